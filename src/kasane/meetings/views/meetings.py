"""Meeting screens (thin: forms parse, services act, ``meetings.policy`` decides and logs)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kasane.access import policy
from kasane.access.http import acting as _acting
from kasane.accounts.models import Actor
from kasane.core.forms import add_service_errors, form_error_texts, perform
from kasane.core.wareki import format_wareki_year
from kasane.people.presenters import person_views

from .. import policy as meeting_policy
from .. import selectors, services
from ..forms import (
    AgendaForm,
    AttendeeForm,
    BodyForm,
    DecisionForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    org_choices,
    staff,
)
from ..models import PLEDGE_TEXT, AgendaItem, MeetingBody, MeetingType
from .network import network_detail


def acting(request: HttpRequest) -> Actor:
    return _acting(request, meeting_policy.NOT_HANDLER)


def _body(actor: Actor, body_id: int) -> MeetingBody:
    return get_object_or_404(MeetingBody, pk=body_id, municipality_id=policy.tenant_id(actor))


def _month(value: str) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in value.split("-", 1))
        dt.date(year, month, 1)
    except (ValueError, TypeError):
        return today.year, today.month
    return year, month


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    member = acting(request)
    upcoming = list(selectors.meetings_for(member, upcoming=True)[:30])
    past = list(selectors.meetings_for(member).filter(starts_at__lt=timezone.now())
                .order_by("-starts_at")[:10])
    return render(request, "meetings/index.html", {
        "bodies": selectors.bodies_for(member), "upcoming": upcoming, "past": past,
        "pledges": selectors.pledges_to_sign(member)[:10],
        "can_create_body": meeting_policy.can_create_body(member)})


@login_required
def body_new(request: HttpRequest) -> HttpResponse:
    member = acting(request)
    form = BodyForm(request.POST or None, municipality_id=policy.tenant_id(member))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            body = services.body_create(
                actor=member, name=d["name"], type=d["type"], legal_basis=d["legal_basis"],
                designated_from=d["designated_from"], review_days=d["review_days"],
                standing_org_ids=d["standing_org_ids"], standing_user_ids=d["standing_user_ids"],
                area_id=d["area"] or None)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"会議体「{body.name}」を設置しました。")
            return redirect("meetings:body", body.pk)
    return render(request, "meetings/body_form.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def body_detail(request: HttpRequest, body_id: int) -> HttpResponse:
    member = acting(request)
    body = _body(member, body_id)
    year, month = _month(request.GET.get("month", ""))
    start = timezone.make_aware(dt.datetime(year, month, 1))
    end = timezone.make_aware(dt.datetime(year + month // 12, month % 12 + 1, 1))
    meetings = list(selectors.meetings_for(member, body=body, start=start, end=end)
                    .order_by("starts_at"))
    prev_m = (start - dt.timedelta(days=1)).strftime("%Y-%m")
    return render(request, "meetings/body.html", {
        "body": body, "weeks": selectors.month_grid(meetings, year, month), "meetings": meetings,
        "year": year, "month": month, "prev": prev_m, "next": end.strftime("%Y-%m"),
        "month_label": f"{format_wareki_year(dt.date(year, month, 1))}{month}月",
        "can_manage": meeting_policy.can_manage(member, body),
        "members": body.members.filter(is_active=True) if body.is_network else [],
        "member_form": MemberForm() if body.is_network else None})


@login_required
def meeting_new(request: HttpRequest, body_id: int) -> HttpResponse:
    member = acting(request)
    body = _body(member, body_id)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = services.meeting_create(actor=member, body=body, starts_at=d["starts_at"],
                                              ends_at=d["ends_at"], place=d["place"],
                                              online=d["online"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "会議を登録しました。出席者を追加してください。")
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "body": body},
                  status=400 if form.errors else 200)


def _meeting(request: HttpRequest, meeting_id: int, action: str = "view") -> tuple[Any, Any]:
    member = acting(request)
    meeting = meeting_policy.require_meeting(member, meeting_id, action=action)
    meeting_policy.require_meeting_view(member, meeting)
    return member, meeting


@login_required
@require_GET
def detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    member, meeting = _meeting(request, meeting_id)
    manage = meeting_policy.can_manage(member, meeting.body)
    if meeting.body.is_network:
        return network_detail(request, meeting, manage)
    rows = selectors.items_for(member, meeting)
    tenant = policy.tenant_id(member)
    bodies = [b for b in selectors.bodies_for(member) if b.pk != meeting.body_id]
    held = meeting.starts_at <= timezone.now()
    choices: dict[str, Any] = {}
    for row in rows:
        if row["open"] and manage and held:
            if not choices:  # one read of the organizations and staff for every form
                choices = {"orgs": org_choices(tenant, "—", case_staff=True), "users": staff(tenant)}
            row["decision_form"] = DecisionForm(prefix=f"d{row['item'].pk}", municipality_id=tenant,
                                                plans=row["plans"], bodies=bodies, **choices)
        if row["open"] and (manage or row["item"].presenting_org_id == member.organization_id):
            row["minutes_form"] = MinutesForm(prefix=f"m{row['item'].pk}",
                                              initial={"minutes": row["item"].minutes})
    me = meeting_policy.my_attendance(member, meeting)
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "rows": rows, "manage": manage, "me": me,
        "pledged": meeting_policy.is_pledged(member, meeting), "held": held,
        "attendees": meeting.attendees.select_related("user", "organization", "pledge"),
        "attendee_form": AttendeeForm(municipality_id=tenant) if manage else None,
        "is_standing": meeting.body.standing_users.filter(pk=member.user_id).exists(),
        "prints": meeting.prints.select_related("user", "organization")[:20] if manage else [],
        "multilayer": meeting.body.type == MeetingType.MULTILAYER,
        "pledge_text": PLEDGE_TEXT})


@login_required
@require_POST
def pledge(request: HttpRequest, meeting_id: int) -> HttpResponse:
    member, meeting = _meeting(request, meeting_id, "pledge")
    if request.POST.get("agree") != "1":
        messages.error(request, "誓約文を確認し、「誓約します」にチェックしてください。")
        return redirect("meetings:detail", meeting.pk)
    perform(request, lambda: services.pledge_sign(
        actor=member, meeting=meeting, annual=request.POST.get("annual") == "1"),
        "守秘義務の誓約を記録しました。議題の内容を閲覧できます。")
    return redirect("meetings:detail", meeting.pk)


@login_required
@require_POST
def attendee_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    member, meeting = _meeting(request, meeting_id, "attendee.add")
    form = AttendeeForm(request.POST, municipality_id=policy.tenant_id(member))
    if form.is_valid():
        perform(request, lambda: services.attendee_add(
            actor=member, meeting=meeting, user_id=form.cleaned_data["user"]), "出席者を追加しました。")
    else:
        messages.error(request, "出席者を選んでください。")
    return redirect("meetings:detail", meeting.pk)


@login_required
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    member, meeting = _meeting(request, meeting_id, "agenda.add")
    form = AgendaForm(request.POST or None, initial={"case_id": request.GET.get("case", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = services.agenda_add(actor=member, meeting=meeting, case_id=d["case_id"],
                                       question=d["question"], title=d["title"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Http404:  # a case the actor cannot see answers like a missing one (logged)
            form.add_error("case_id", "そのケースは存在しないか、閲覧の根拠がありません。")
        else:
            messages.success(request, f"「{item.title}」を議題に追加しました。")
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/agenda_form.html", {"form": form, "meeting": meeting},
                  status=400 if form.errors else 200)


def _item(request: HttpRequest, item_id: int, action: str) -> tuple[Any, AgendaItem]:
    member = acting(request)
    item = AgendaItem.objects.select_related("meeting", "meeting__body", "case").filter(
        pk=item_id).first()
    meeting = meeting_policy.require_meeting(member, item.meeting_id if item else 0, action=action)
    meeting_policy.require_meeting_view(member, meeting)
    assert item is not None
    return member, item


@login_required
@require_GET
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    member, item = _item(request, item_id, "item.view")
    case = meeting_policy.require_item(member, item)
    return render(request, "meetings/item.html", {
        "item": item, "meeting": item.meeting, "case": case,
        "persons": person_views(member, [s.person for s in case.subjects.select_related("person", "person__created_by_org")]),
        "decisions": item.decisions.select_related("plan", "lead_org", "referred_body")})


@login_required
@require_POST
def minutes(request: HttpRequest, item_id: int) -> HttpResponse:
    member, item = _item(request, item_id, "minutes")
    meeting_policy.require_item(member, item)
    form = MinutesForm(request.POST, prefix=f"m{item.pk}")
    form.is_valid()
    perform(request, lambda: services.minutes_write(
        actor=member, item=item, text=form.cleaned_data.get("minutes", ""),
        reason=form.cleaned_data.get("reason", "")), "議事録を保存しました。")
    return redirect(f"/meetings/{item.meeting_id}/#item-{item.pk}")


@login_required
@require_POST
def decision(request: HttpRequest, item_id: int) -> HttpResponse:
    member, item = _item(request, item_id, "decision")
    meeting_policy.require_item(member, item)
    form = DecisionForm(request.POST, prefix=f"d{item.pk}", municipality_id=policy.tenant_id(member),
                        plans=list(item.case.plans.all()), bodies=list(selectors.bodies_for(member)))
    if not form.is_valid():
        messages.error(request, " ".join(form_error_texts(form)))
        return redirect(f"/meetings/{item.meeting_id}/#item-{item.pk}")
    d = form.cleaned_data
    perform(request, lambda: services.decision_record(
        actor=member, meeting=item.meeting, case_id=item.case_id, kind=d["kind"], text=d["text"],
        plan_id=d["plan_id"], lead_org_id=d["lead_org"], lead_user_id=d["lead_user"] or None,
        review_on=d["review_on"], referred_body_id=d["referred_body"],
        closure_reason=d["closure_reason"], evaluation=d["text"]),
        "決定事項を記録し、ケースに反映しました。")
    return redirect(f"/meetings/{item.meeting_id}/#item-{item.pk}")


@login_required
@require_POST
def agenda_remove(request: HttpRequest, item_id: int) -> HttpResponse:
    member, item = _item(request, item_id, "agenda.remove")
    if request.POST.get("confirm") != "1":  # removing an item is an explicit, confirmed choice
        messages.error(request, "議題を取り下げるには、確認にチェックを入れてください。")
    else:
        perform(request, lambda: services.agenda_remove(actor=member, item=item), "議題を取り下げました。")
    return redirect("meetings:detail", item.meeting_id)


@login_required
@require_POST
def minutes_approve(request: HttpRequest, meeting_id: int) -> HttpResponse:
    member, meeting = _meeting(request, meeting_id, "minutes.approve")
    if request.POST.get("confirm") != "1":  # 確定 closes the minutes: confirmed explicitly
        messages.error(request, "議事録を確定するには、内容を確認してチェックを入れてください。")
    else:
        perform(request, lambda: services.minutes_approve(actor=member, meeting=meeting),
                "議事録を確定しました。以後の修正には理由が必要です。")
    return redirect("meetings:detail", meeting.pk)
