"""Network meeting screens (推進会議・まちづくり委員会・庁内連携会議): the meeting's record and
a body's members. Thin: forms parse, ``services.network`` acts, ``meetings.policy`` decides."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kasane.access import policy
from kasane.access.http import acting as _acting
from kasane.accounts.models import Actor
from kasane.core.forms import form_error_texts, perform

from .. import policy as meeting_policy
from .. import services
from ..forms import MemberForm, NetworkRecordForm
from ..models import Meeting, MeetingBody


def acting(request: HttpRequest) -> Actor:
    return _acting(request, meeting_policy.NOT_HANDLER)


def network_detail(request: HttpRequest, meeting: Meeting, manage: bool) -> HttpResponse:
    """The page of one network meeting (called by ``meetings.detail``)."""
    members = list(meeting.body.members.filter(is_active=True))
    form = None
    if manage:
        form = NetworkRecordForm(members=members, initial={
            "theme": meeting.theme, "minutes": meeting.minutes, "decisions": meeting.decisions,
            "attendance_count": meeting.attendance_count,
            "present_member_ids": [m.pk for m in meeting.present_members.all()]})
    return render(request, "meetings/network_detail.html", {
        "meeting": meeting, "manage": manage, "form": form, "members": members,
        "present": {m.pk for m in meeting.present_members.all()},
        "held": meeting.starts_at <= timezone.now()})


@login_required
@require_POST
def network_record(request: HttpRequest, meeting_id: int) -> HttpResponse:
    member = acting(request)
    meeting = meeting_policy.require_meeting(member, meeting_id, action="network.record")
    meeting_policy.require_meeting_view(member, meeting)
    form = NetworkRecordForm(request.POST, members=list(meeting.body.members.all()))
    if not form.is_valid():
        messages.error(request, " ".join(form_error_texts(form)))
        return redirect("meetings:detail", meeting.pk)
    d = form.cleaned_data
    perform(request, lambda: services.network_record(
        actor=member, meeting=meeting, theme=d["theme"], minutes=d["minutes"],
        decisions=d["decisions"], attendance_count=d["attendance_count"],
        present_member_ids=d["present_member_ids"]), "会議の記録を保存しました。",
        labels={"attendance_count": "出席者数", "present_member_ids": "出席した委員",
                "theme": "テーマ"})
    return redirect("meetings:detail", meeting.pk)


@login_required
@require_POST
def member_add(request: HttpRequest, body_id: int) -> HttpResponse:
    member = acting(request)
    body = get_object_or_404(MeetingBody, pk=body_id, municipality_id=policy.tenant_id(member))
    form = MemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form_error_texts(form)))
        return redirect("meetings:body", body.pk)
    perform(request, lambda: services.body_member_add(
        actor=member, body=body, name=form.cleaned_data["name"],
        affiliation=form.cleaned_data["affiliation"]), "委員を登録しました。",
        labels={"name": "氏名"})
    return redirect("meetings:body", body.pk)
