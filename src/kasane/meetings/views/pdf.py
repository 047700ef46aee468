"""Meeting pack (agenda + case summaries, each page watermarked with the reader's name and
取扱注意) and minutes PDF (WeasyPrint, Noto Sans CJK JP). Only pledged attendees print; every
print is recorded (PrintRecord + one access-log row per person)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from kasane.accounts.models import Actor
from kasane.cases import policy as case_policy
from kasane.people.presenters import person_views

from .. import policy as meeting_policy
from .. import services
from ..models import PrintKind
from .meetings import _meeting


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=".").write_pdf()  # type: ignore[no-any-return]


def pack_context(actor: Actor, meeting: Any, *, action: str) -> dict[str, Any]:
    items = []
    pids: list[int] = []
    visible = set(case_policy.visible_cases(actor).filter(
        pk__in=meeting.items.values("case_id")).values_list("pk", flat=True))
    for item in meeting.items.select_related("presenting_org"):
        if item.case_id not in visible:  # the title only (listed in the agenda table)
            continue
        case = case_policy.require_case(actor, item.case_id, action=action, detail=f"会議#{meeting.pk}")
        subjects = list(case.subjects.select_related("person", "person__created_by_org"))
        pids += [s.person_id for s in subjects]
        items.append({"item": item, "case": case,
                      "persons": person_views(actor, [s.person for s in subjects]),
                      "plans": list(case.plans.order_by("-version")[:1]),
                      "decisions": list(item.decisions.select_related("plan", "referred_body"))})
    reader = actor.user.display_name or actor.user.username
    return {"meeting": meeting, "items": items, "agenda": list(meeting.items.select_related("presenting_org")), "reader": reader, "pids": pids,
            "reader_org": actor.organization.name, "printed_at": timezone.localtime(),
            "attendees": meeting.attendees.select_related("user", "organization")}


def _pdf(request: HttpRequest, meeting_id: int, kind: str) -> HttpResponse:
    member, meeting = _meeting(request, meeting_id, f"print.{kind}")
    if not meeting_policy.is_pledged(member, meeting):
        raise meeting_policy.refuse(member, f"print.{kind}",
                              "守秘義務の誓約をした出席者だけが会議資料・議事録を印刷できます（閲覧期間内）。",
                              object_id=meeting.pk)
    if kind == PrintKind.MINUTES and not meeting.is_past():
        raise meeting_policy.refuse(member, "print.minutes", "議事録は会議の後に印刷できます。",
                              object_id=meeting.pk)
    ctx = pack_context(member, meeting, action="meeting.print")
    services.print_record(actor=member, meeting=meeting, kind=kind, case_person_ids=ctx["pids"])
    html = render_to_string(f"meetings/{kind}.pdf.html", ctx)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    name = "pack" if kind == PrintKind.PACK else "minutes"
    response["Content-Disposition"] = f'inline; filename="meeting-{meeting.pk}-{name}.pdf"'
    return response


@login_required
@require_GET
def pack_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _pdf(request, meeting_id, PrintKind.PACK)


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _pdf(request, meeting_id, PrintKind.MINUTES)
