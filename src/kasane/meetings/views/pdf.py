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
from kasane.core.pdf import html_to_pdf

from .. import policy as meeting_policy
from .. import selectors, services
from ..models import PrintKind
from .meetings import _meeting


def render_pdf(html: str) -> bytes:
    return html_to_pdf(html, base_url=".")


def pack_context(actor: Actor, meeting: Any, *, action: str) -> dict[str, Any]:
    found = selectors.agenda_cases(actor, meeting, action=action)
    agenda = list(selectors.agenda_items(meeting, list(found)))
    items = []
    pids: list[int] = []
    for item in agenda:
        seen = found.get(item.case_id)
        if seen is None:  # the title only (listed in the agenda table)
            continue
        pids += seen.person_ids
        items.append({"item": item, "case": seen.case, "persons": seen.persons,
                      "plans": seen.plans[:1], "decisions": list(item.decisions.all())})
    reader = actor.user.display_name or actor.user.username
    return {"meeting": meeting, "items": items, "agenda": agenda, "reader": reader, "pids": pids,
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
