"""地域づくり API (contract of issue 18). Same rules as the screens: services and
``community.policy`` decide. ``GET /area-issues?area=<code>`` lists 地域課題 (no names);
``POST /community-activities`` records an activity — bad input (a future date, a negative
count, an unknown area or kind) answers 422 ``{"detail", "errors"}`` in Japanese and saves
nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from kasane.accounts.http import membership_of
from kasane.core import messages
from kasane.core.wareki import WarekiError, parse_date

from . import policy as community_policy
from . import selectors, services

router = Router(tags=["community"])


class Detail(Schema):
    detail: str


class Invalid(Schema):
    detail: str
    errors: dict[str, str] = {}


class IssueOut(Schema):
    id: int
    title: str
    area: str
    status: str


class IssueList(Schema):
    items: list[IssueOut]


class ActivityIn(Schema):
    kind: str
    area: str = ""
    held_on: str
    participants: int = 0
    consultations: int = 0
    tags: list[str] = []
    title: str = ""
    place: str = ""
    partners: str = ""
    target: str = ""
    content: str = ""
    sessions: int = 1
    connected: int = 0
    completions: int = 0
    case_ids: list[int] = []
    sheet_record_ids: list[int] = []


class Created(Schema):
    id: int


def _invalid(exc: ValidationError) -> tuple[int, dict[str, Any]]:
    errors = {k: " ".join(v) for k, v in exc.message_dict.items()} \
        if hasattr(exc, "error_dict") else {"__all__": " ".join(exc.messages)}
    return 422, {"detail": next(iter(errors.values())), "errors": errors}


@router.get("/area-issues", response={200: IssueList, 403: Detail})
def area_issue_list(request: HttpRequest, area: str = "") -> dict[str, Any]:
    actor = community_policy.require_community_view(membership_of(request), "issue.list")
    rows = selectors.issues(actor, area_code=area.strip())[:500]
    return {"items": [{"id": i.pk, "title": i.title, "area": i.area.code, "status": i.status}
                      for i in rows]}


@router.post("/community-activities", response={201: Created, 403: Detail, 422: Invalid})
def activity_create(request: HttpRequest, payload: ActivityIn) -> tuple[int, dict[str, Any]]:
    actor = community_policy.require_community_write(membership_of(request), "activity.create")
    try:
        held_on = parse_date(payload.held_on)
    except WarekiError:
        return _invalid(ValidationError({"held_on": messages.at("実施日", messages.INVALID_DATE)}))
    try:
        activity = services.activity_record(
            actor=actor, kind=payload.kind, area_code=payload.area, held_on=held_on,
            title=payload.title, place=payload.place, partners=payload.partners,
            target=payload.target, content=payload.content, tags=payload.tags,
            case_ids=payload.case_ids, sheet_record_ids=payload.sheet_record_ids,
            sessions=payload.sessions, participants=payload.participants,
            consultations=payload.consultations, connected=payload.connected,
            completions=payload.completions)
    except ValidationError as exc:
        return _invalid(exc)
    return 201, {"id": activity.pk}
