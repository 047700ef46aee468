"""参加支援 and 人材バンク API. Same rules as the screens: ``participation.policy`` decides and
logs; errors are JSON ``{"detail", "errors"}``; a stale ``lock_version`` answers 409."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from kasane.access.http import acting
from kasane.accounts.models import Actor
from kasane.cases import policy as case_policy
from kasane.core.forms import date_error_text
from kasane.core.locking import Conflict
from kasane.core.wareki import WarekiError, parse_date

from . import policy, selectors, services
from .models import Match, Volunteer, Wish

router = Router(tags=["participation"])


class Detail(Schema):
    detail: str


class WishIn(Schema):
    person_id: int | None = None
    wants: str
    strengths: str = ""
    roles: list[str] = []
    kinds: list[str] = []
    days: list[str] = []
    time_bands: list[str] = []
    area_id: int | None = None
    transport: str = ""
    needs_accessibility: bool = False
    needs_escort: bool = False
    max_cost: int | None = None
    considerations: str = ""
    lock_version: int | None = None


class WishOut(Schema):
    id: int
    case_id: int
    person_id: int
    wants: str
    roles: list[str]
    days: list[str]
    time_bands: list[str]
    area_id: int | None
    lock_version: int


class FollowUpOut(Schema):
    id: int
    due_on: dt.date | None
    on: dt.date | None
    condition: str
    outcome: str
    note: str


class MatchOut(Schema):
    id: int
    case_id: int
    person_id: int
    place_id: int
    place: str
    stage: str
    stage_label: str
    proposed_on: dt.date
    shared_with_place: bool
    answer: str
    answer_on: dt.date | None
    answer_via: str
    trial_on: dt.date | None
    started_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str
    reasons: list[str]
    follow_ups: list[FollowUpOut]
    lock_version: int


class Participation(Schema):
    wishes: list[WishOut]
    matches: list[MatchOut]


class SuggestionOut(Schema):
    place_id: int
    place: str
    score: int
    vacancies: int | None
    reasons: list[str]
    concerns: list[str]


class SuggestionList(Schema):
    items: list[SuggestionOut]
    count: int


class ProposeIn(Schema):
    place_id: int
    person_id: int | None = None
    proposed_on: str | None = None
    role: str = ""
    note: str = ""
    reasons: list[str] = []


class AnswerIn(Schema):
    answer: str
    answer_on: str | None = None
    via: str = ""
    note: str = ""
    lock_version: int | None = None


class DateIn(Schema):
    on: str
    lock_version: int | None = None


class EndIn(DateIn):
    end_reason: str


class FollowUpIn(Schema):
    on: str
    method: str = ""
    condition: str = ""
    outcome: str = "continue"
    note: str = ""
    host_support: str = ""
    next_on: str | None = None


class VolunteerIn(Schema):
    name: str
    kind: str = "volunteer"
    name_kana: str = ""
    phone: str = ""
    courses: list[str] = []
    interests: str = ""
    kinds: list[str] = []
    days: list[str] = []
    time_bands: list[str] = []
    area_id: int | None = None


class VolunteerOut(Schema):
    id: int
    name: str
    kind: str
    courses: list[str]
    interests: str
    area_id: int | None
    active: bool


class VolunteerList(Schema):
    items: list[VolunteerOut]
    count: int


def _actor(request: HttpRequest) -> Actor:
    return acting(request, policy.NOT_HANDLER)


def _date(value: str | None, field: str) -> dt.date | None:
    if value is None or not str(value).strip():
        return None
    try:
        return parse_date(value)
    except WarekiError as exc:
        raise ValidationError({field: date_error_text(exc)}) from None


def _match(m: Match) -> dict[str, Any]:
    return {"id": m.pk, "case_id": m.case_id, "person_id": m.person_id, "place_id": m.place_id,
            "place": m.place.name, "stage": m.stage, "stage_label": m.get_stage_display(),
            "proposed_on": m.proposed_on, "shared_with_place": m.shared_with_host,
            "answer": m.answer, "answer_on": m.answer_on, "answer_via": m.answer_via,
            "trial_on": m.trial_on, "started_on": m.started_on, "ended_on": m.ended_on,
            "end_reason": m.end_reason, "reasons": list(m.reasons),
            "follow_ups": [{"id": f.pk, "due_on": f.due_on, "on": f.on, "condition": f.condition,
                            "outcome": f.outcome, "note": f.note} for f in m.follow_ups.all()],
            "lock_version": m.lock_version}


def _wish(w: Wish) -> dict[str, Any]:
    return {"id": w.pk, "case_id": w.case_id, "person_id": w.person_id, "wants": w.wants,
            "roles": list(w.roles), "days": list(w.days), "time_bands": list(w.time_bands),
            "area_id": w.area_id, "lock_version": w.lock_version}


def _conflict(exc: Conflict) -> HttpError:
    return HttpError(409, f"{exc} （保存済みの版: {exc.current.lock_version}）")


def _reload(member: Actor, pk: int) -> dict[str, Any]:
    return _match(selectors.match_page(pk))


@router.get("/cases/{case_id}/participation", response={200: Participation, 404: Detail})
def case_participation(request: HttpRequest, case_id: int) -> dict[str, Any]:
    member = _actor(request)
    case = case_policy.require_case(member, case_id, action="participation", detail="API")
    return {"wishes": [_wish(w) for w in selectors.wishes_of(case)],
            "matches": [_match(m) for m in selectors.case_matches(case)]}


@router.put("/cases/{case_id}/participation/wish",
            response={200: WishOut, 400: Detail, 403: Detail, 404: Detail, 409: Detail})
def wish_put(request: HttpRequest, case_id: int, payload: WishIn) -> dict[str, Any]:
    member = _actor(request)
    case = case_policy.require_case(member, case_id, action="participation", detail="API")
    data = payload.dict()
    data["area"] = data.pop("area_id")
    try:
        wish = services.wish_save(actor=member, case=case, person_id=data.pop("person_id"),
                                  data=data, expected_version=data.pop("lock_version"))
    except Conflict as exc:
        raise _conflict(exc) from None
    return _wish(wish)


@router.get("/cases/{case_id}/participation/suggestions",
            response={200: SuggestionList, 404: Detail})
def suggestions(request: HttpRequest, case_id: int, person_id: int | None = None
                ) -> dict[str, Any]:
    member = _actor(request)
    case, person = case_policy.require_case_subject(member, case_id, person_id,
                                                    action="participation", detail="API")
    items = [{"place_id": s.place.id, "place": s.place.name, "score": s.score,
              "vacancies": s.place.vacancies, "reasons": s.reasons, "concerns": s.concerns}
             for s in selectors.suggestions(case, person)]
    return {"items": items, "count": len(items)}


@router.post("/cases/{case_id}/participation/matches",
             response={201: MatchOut, 400: Detail, 403: Detail, 404: Detail})
def match_create(request: HttpRequest, case_id: int, payload: ProposeIn
                 ) -> tuple[int, dict[str, Any]]:
    member = _actor(request)
    case = case_policy.require_case(member, case_id, action="participation", detail="API")
    m = services.match_propose(actor=member, case=case, person_id=payload.person_id,
                               place_id=payload.place_id, role=payload.role, note=payload.note,
                               proposed_on=_date(payload.proposed_on, "proposed_on"),
                               reasons=payload.reasons)
    return 201, _reload(member, m.pk)


@router.get("/participation/matches/{match_id}", response={200: MatchOut, 404: Detail})
def match_detail(request: HttpRequest, match_id: int) -> dict[str, Any]:
    member = _actor(request)
    m = policy.require_match(member, match_id, detail="API")
    return _reload(member, m.pk)


def _write(request: HttpRequest, match_id: int, run: Any) -> dict[str, Any]:
    member = _actor(request)
    m = policy.require_match(member, match_id, action="write", detail="API")
    try:
        run(member, m)
    except Conflict as exc:
        raise _conflict(exc) from None
    return _reload(member, m.pk)


WRITE = {200: MatchOut, 400: Detail, 403: Detail, 404: Detail, 409: Detail}


@router.post("/participation/matches/{match_id}/answer", response=WRITE)
def match_answer(request: HttpRequest, match_id: int, payload: AnswerIn) -> dict[str, Any]:
    return _write(request, match_id, lambda a, m: services.match_answer(
        actor=a, match=m, answer=payload.answer, via=payload.via, note=payload.note,
        answer_on=_date(payload.answer_on, "answer_on"), expected_version=payload.lock_version))


@router.post("/participation/matches/{match_id}/trial", response=WRITE)
def match_trial(request: HttpRequest, match_id: int, payload: DateIn) -> dict[str, Any]:
    return _write(request, match_id, lambda a, m: services.match_trial(
        actor=a, match=m, trial_on=_date(payload.on, "on"), expected_version=payload.lock_version))


@router.post("/participation/matches/{match_id}/start", response=WRITE)
def match_start(request: HttpRequest, match_id: int, payload: DateIn) -> dict[str, Any]:
    return _write(request, match_id, lambda a, m: services.match_start(
        actor=a, match=m, started_on=_date(payload.on, "on"),
        expected_version=payload.lock_version))


@router.post("/participation/matches/{match_id}/end", response=WRITE)
def match_end(request: HttpRequest, match_id: int, payload: EndIn) -> dict[str, Any]:
    return _write(request, match_id, lambda a, m: services.match_end(
        actor=a, match=m, ended_on=_date(payload.on, "on"), reason=payload.end_reason,
        expected_version=payload.lock_version))


@router.post("/participation/matches/{match_id}/follow-ups", response=WRITE)
def follow_up_create(request: HttpRequest, match_id: int, payload: FollowUpIn) -> dict[str, Any]:
    data = payload.dict()
    data["on"] = _date(payload.on, "on")
    data["next_on"] = _date(payload.next_on, "next_on")
    return _write(request, match_id, lambda a, m: services.follow_up_record(
        actor=a, match=m, data=data))


@router.get("/participation/volunteers", response={200: VolunteerList, 403: Detail})
def volunteer_list(request: HttpRequest) -> dict[str, Any]:
    member = _actor(request)
    rows = list(policy.visible_volunteers(member).order_by("name_kana", "id")[:500])
    policy.log_volunteers(member, rows)
    return {"items": [_volunteer(v) for v in rows], "count": len(rows)}


def _volunteer(v: Volunteer) -> dict[str, Any]:
    return {"id": v.pk, "name": v.name, "kind": v.kind, "courses": list(v.courses),
            "interests": v.interests, "area_id": v.area_id, "active": v.active}


@router.post("/participation/volunteers", response={201: VolunteerOut, 400: Detail, 403: Detail})
def volunteer_create(request: HttpRequest, payload: VolunteerIn) -> tuple[int, dict[str, Any]]:
    data = payload.dict()
    data["area"] = data.pop("area_id")
    v = services.volunteer_save(actor=_actor(request), data=data)
    return 201, _volunteer(v)


@router.get("/participation/volunteers/{volunteer_id}", response={200: VolunteerOut, 404: Detail})
def volunteer_detail(request: HttpRequest, volunteer_id: int) -> dict[str, Any]:
    return _volunteer(policy.require_volunteer(_actor(request), volunteer_id))
