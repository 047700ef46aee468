"""Meetings API (contract of issue 7). Same rules as the screens: services and
``access.policy`` decide; errors are JSON ``{"detail": ...}``; a 重層的支援会議 agenda case
without consent answers 409."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from kasane.access.http import acting
from kasane.accounts.models import Actor

from . import policy as meeting_policy
from . import selectors, services
from .models import Meeting

router = Router(tags=["meetings"])


class Detail(Schema):
    detail: str


class MeetingOut(Schema):  # read from a ``Meeting`` (``selectors.meetings_for`` joins its body)
    id: int
    body: str
    type: str
    starts_at: dt.datetime

    @staticmethod
    def resolve_body(meeting: Meeting) -> str:
        return meeting.body.name

    @staticmethod
    def resolve_type(meeting: Meeting) -> str:
        return meeting.body.type


class MeetingList(Schema):
    items: list[MeetingOut]


class AgendaIn(Schema):
    case_id: int
    question: str
    title: str = ""


class AgendaOut(Schema):
    id: int
    meeting_id: int
    case_id: int
    title: str
    presenting_organization: str
    question: str


class PledgeOut(Schema):
    id: int
    meeting_id: int | None
    valid_until: dt.datetime


def _actor(request: HttpRequest) -> Actor:
    return acting(request, meeting_policy.NOT_HANDLER)


@router.get("/meetings", response={200: MeetingList, 403: Detail})
def meeting_list(request: HttpRequest, upcoming: int = 0) -> dict[str, Any]:
    actor = _actor(request)
    qs = selectors.meetings_for(actor, upcoming=bool(upcoming))
    if not upcoming:
        qs = qs.order_by("-starts_at")
    return {"items": list(qs[:200])}


@router.post("/meetings/{meeting_id}/agenda",
             response={201: AgendaOut, 400: Detail, 403: Detail, 404: Detail, 409: Detail})
def agenda_add(request: HttpRequest, meeting_id: int, payload: AgendaIn) -> tuple[int, dict[str, Any]]:
    actor = _actor(request)
    meeting = meeting_policy.require_meeting(actor, meeting_id, action="agenda.add")
    try:
        item = services.agenda_add(actor=actor, meeting=meeting, case_id=payload.case_id,
                                   question=payload.question, title=payload.title)
    except services.ConsentMissing as exc:
        raise HttpError(409, " ".join(exc.messages)) from None
    return 201, {"id": item.pk, "meeting_id": meeting.pk, "case_id": item.case_id,
                 "title": item.title, "presenting_organization": item.presenting_org.name,
                 "question": item.question}


@router.post("/meetings/{meeting_id}/pledge",
             response={201: PledgeOut, 400: Detail, 403: Detail, 404: Detail})
def pledge(request: HttpRequest, meeting_id: int) -> tuple[int, dict[str, Any]]:
    actor = _actor(request)
    meeting = meeting_policy.require_meeting(actor, meeting_id, action="pledge")
    p = services.pledge_sign(actor=actor, meeting=meeting)
    return 201, {"id": p.pk, "meeting_id": p.meeting_id, "valid_until": p.valid_until}
