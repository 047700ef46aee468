"""People API (contract of issue 4). Every read goes through ``access.policy`` and is logged;
errors are JSON ``{"detail": ...}`` (+ ``errors`` per field for bad input)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema

from kasane.access import policy
from kasane.access import services as access_services
from kasane.access.http import acting
from kasane.accounts.http import membership_of
from kasane.accounts.models import Actor
from kasane.core import messages as texts
from kasane.core.forms import date_error_text
from kasane.core.ids import MAX_OFFSET
from kasane.core.wareki import WarekiError, parse_date

from . import selectors, services
from .disclosures import disclosure_report
from .models import Consent
from .presenters import person_view

router = Router(tags=["people"])


class Detail(Schema):
    detail: str


class PersonIn(Schema):
    family_name: str
    given_name: str = ""
    family_name_kana: str
    given_name_kana: str = ""
    birth_date: str | None = None
    sex: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    phone_mobile: str = ""


class PersonOut(Schema):
    id: int
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    full_name: str
    full_kana: str
    birth_date: str | None
    age: int | None
    sex: str
    postal_code: str
    address: str
    phone: str
    phone_mobile: str
    recorded_by: str
    restricted: bool
    masked: bool
    basis: str | None = None


class PersonList(Schema):
    items: list[PersonOut]
    count: int


class ConsentIn(Schema):
    organization_ids: list[int]
    purposes: list[str]
    obtained_on: str
    method: str
    heard_by: str = ""
    proxy_name: str = ""
    proxy_relation: str = ""
    valid_until: str | None = None
    note: str = ""


class ConsentOut(Schema):
    id: int
    person_id: int
    organization_ids: list[int]
    purposes: list[str]
    obtained_on: str
    valid_until: str | None
    method: str
    withdrawn_on: str | None
    withdrawal_reason: str


class WithdrawIn(Schema):
    reason: str = ""
    withdrawn_on: str | None = None


class DisclosureItem(Schema):
    user: str
    organization: str
    at: dt.datetime
    action: str
    basis: str


class DisclosureList(Schema):
    items: list[DisclosureItem]
    count: int


class EmergencyIn(Schema):
    reason: str
    hours: int = access_services.EMERGENCY_DEFAULT_HOURS


class EmergencyOut(Schema):
    id: int
    grant_id: int
    valid_until: dt.datetime


def _actor(request: HttpRequest) -> Actor:
    return acting(request, policy.PERSONS_NOT_HANDLER)


def _date(value: str | None, field: str, *, required: bool = False) -> dt.date | None:
    if value is None or not str(value).strip():
        if required:
            raise ValidationError({field: texts.REQUIRED})
        return None
    try:
        return parse_date(value)
    except WarekiError as exc:
        raise ValidationError({field: date_error_text(exc)}) from None


def _consent(c: Consent) -> dict[str, Any]:
    return {"id": c.pk, "person_id": c.person_id,
            "organization_ids": sorted(o.pk for o in c.organizations.all()),  # prefetched
            "purposes": c.purposes, "obtained_on": c.obtained_on.isoformat(),
            "valid_until": c.valid_until.isoformat() if c.valid_until else None,
            "method": c.method, "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
            "withdrawal_reason": c.withdrawal_reason}


@router.post("/persons", response={201: PersonOut, 400: Detail, 403: Detail, 422: Detail},
             summary="本人の登録（登録した組織が own_record）")
def person_create(request: HttpRequest, payload: PersonIn) -> Any:
    member = _actor(request)
    fields = payload.dict()
    fields["birth_date"] = _date(payload.birth_date, "birth_date")
    person = services.person_create(actor=member, fields=fields)
    return 201, {**person_view(member, person).as_dict(), "basis": "own_record"}


@router.get("/persons", response={200: PersonList, 400: Detail, 403: Detail},
            summary="閲覧できる本人の検索（q: 漢字・カナ・生年月日）")
def person_list(request: HttpRequest, q: str = "") -> Any:
    member = _actor(request)
    if not q.strip():
        items = selectors.persons_recent(member)
    else:
        result = selectors.person_search(member, q)
        if result.error:
            raise ValidationError({"q": result.error})
        items = result.items
    return {"items": [i.as_dict() for i in items], "count": len(items)}


@router.get("/persons/{person_id}", response={200: PersonOut, 403: Detail, 404: Detail},
            summary="本人（閲覧の根拠がなければ404）")
def person_detail(request: HttpRequest, person_id: int) -> Any:
    member = _actor(request)
    person, basis = policy.require_person(member, person_id)
    return {**person_view(member, person).as_dict(), "basis": basis}


@router.post("/persons/{person_id}/consents",
             response={201: ConsentOut, 400: Detail, 403: Detail, 404: Detail, 422: Detail},
             summary="本人同意の記録（共有先の組織に consent の根拠）")
def consent_create(request: HttpRequest, person_id: int, payload: ConsentIn) -> Any:
    member = _actor(request)
    person, _ = policy.require_person(member, person_id, action="consent.record")
    obtained_on = _date(payload.obtained_on, "obtained_on", required=True)
    valid_until = _date(payload.valid_until, "valid_until")
    consent = services.consent_record(
        actor=member, person=person, organization_ids=payload.organization_ids,
        purposes=payload.purposes, obtained_on=obtained_on, method=payload.method,  # type: ignore[arg-type]
        heard_by=payload.heard_by, proxy_name=payload.proxy_name,
        proxy_relation=payload.proxy_relation, valid_until=valid_until, note=payload.note)
    return 201, _consent(consent)


@router.get("/persons/{person_id}/consents", response={200: list[ConsentOut], 403: Detail, 404: Detail},
            summary="本人同意の履歴")
def consent_list(request: HttpRequest, person_id: int) -> Any:
    member = _actor(request)
    person, _ = policy.require_person(member, person_id, detail="本人同意の履歴")
    return [_consent(c) for c in selectors.consents_of(person)]


@router.post("/consents/{consent_id}/withdraw",
             response={200: ConsentOut, 400: Detail, 403: Detail, 404: Detail, 422: Detail},
             summary="本人同意の撤回（根拠は即時終了。二重の撤回は400）")
def consent_withdraw(request: HttpRequest, consent_id: int, payload: WithdrawIn) -> Any:
    member = _actor(request)
    consent = selectors.consent_for(member, consent_id, "consent.withdraw")
    withdrawn = services.consent_withdraw(actor=member, consent=consent, reason=payload.reason,
                                          withdrawn_on=_date(payload.withdrawn_on, "withdrawn_on"))
    return _consent(withdrawn)


@router.get("/persons/{person_id}/disclosures",
            response={200: DisclosureList, 403: Detail, 404: Detail},
            summary="開示記録（監査担当・記録した組織の推進員）")
def disclosures(request: HttpRequest, person_id: int) -> Any:
    report = disclosure_report(membership_of(request), person_id)
    items = [{"user": r["username"] or r["user"], "organization": r["organization"], "at": r["at"],
              "action": r["action"], "basis": r["basis"]} for r in report.rows]
    return {"items": items, "count": len(items)}


@router.post("/persons/{person_id}/emergency-access",
             response={201: EmergencyOut, 400: Detail, 403: Detail, 404: Detail, 422: Detail},
             summary="緊急アクセス（理由必須・既定24時間・推進員が事後確認）")
def emergency_access(request: HttpRequest, person_id: int, payload: EmergencyIn) -> Any:
    member = membership_of(request)
    review = access_services.emergency_access_request(actor=member, person_id=person_id,
                                                      reason=payload.reason, hours=payload.hours)
    return 201, {"id": review.pk, "grant_id": review.grant_id,
                 "valid_until": review.grant.valid_until}


# ---------------------------------------------------------------------------
# 名寄せ (identity matching): coordinators only; a pair is shown in full only when both
# records are visible to the caller (docs/matching.md "In the people app").
# ---------------------------------------------------------------------------


class ComparisonOut(Schema):
    field: str
    label: str
    weight: float | None


class CandidateOut(Schema):
    id: int
    status: str
    status_label: str
    decidable: bool
    band: str | None
    band_label: str
    score: float | None
    comparisons: list[ComparisonOut]
    persons: list[PersonOut]
    other_hidden: bool
    note: str
    decided_at: dt.datetime | None
    link_id: int | None = None


class CandidateList(Schema):
    items: list[CandidateOut]
    count: int


class DecideIn(Schema):
    decision: str
    note: str = ""


class UnmergeIn(Schema):
    reason: str = ""


class LinkOut(Schema):
    id: int
    person_a_id: int
    person_b_id: int
    created_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str


class IdentityMemberOut(PersonOut):
    cases: list[int]


class IdentityOut(Schema):
    person_id: int
    members: list[IdentityMemberOut]
    links: list[LinkOut]


class MatchRunOut(Schema):
    id: int
    status: str
    phase: str
    persons: int
    pairs: int
    created: int
    skipped_decided: int
    created_at: dt.datetime
    finished_at: dt.datetime | None


def _link(link: Any) -> dict[str, Any]:
    return {"id": link.pk, "person_a_id": link.person_a_id, "person_b_id": link.person_b_id,
            "created_at": link.created_at, "ended_at": link.ended_at, "end_reason": link.end_reason}


def _run(run: Any) -> dict[str, Any]:
    return {"id": run.pk, "status": run.status, "phase": run.phase, "persons": run.persons,
            "pairs": run.pairs, "created": run.created, "skipped_decided": run.skipped_decided,
            "created_at": run.created_at, "finished_at": run.finished_at}


@router.get("/match-candidates", response={200: CandidateList, 403: Detail},
            tags=["matching"], summary="名寄せ候補（推進員。両方の記録を閲覧できる候補だけ詳細を返す）")
def match_candidates(request: HttpRequest, status: str = "open", band: str = "",
                     visibility: str = "", sort: str = "score", limit: int = 50,
                     offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> Any:
    member = selectors.require_reviewer(membership_of(request))
    qs = selectors.candidates_for(member, status=status, band=band,
                                           visibility=visibility, sort=sort)
    limit = max(1, min(limit, 200))
    chunk = list(qs[offset:offset + limit])
    rows = selectors.candidate_views(member, chunk, log_detail="名寄せ候補一覧（API）")
    return {"items": [r.as_dict() for r in rows], "count": qs.count()}


@router.get("/match-candidates/{candidate_id}", response={200: CandidateOut, 403: Detail, 404: Detail},
            tags=["matching"], summary="名寄せ候補の詳細（比較の内訳つき）")
def match_candidate(request: HttpRequest, candidate_id: int) -> Any:
    member = selectors.require_reviewer(membership_of(request))
    return selectors.candidate_get(member, candidate_id).as_dict()


@router.post("/match-candidates/{candidate_id}/decide",
             response={200: CandidateOut, 400: Detail, 403: Detail, 404: Detail, 422: Detail},
             tags=["matching"], summary="同一人物 / 別人 / 保留 の判断（判断済みは400）")
def match_decide(request: HttpRequest, candidate_id: int, payload: DecideIn) -> Any:
    member = selectors.require_reviewer(membership_of(request))
    view = selectors.candidate_get(member, candidate_id)
    decided = services.match_decide(actor=member, candidate=view.candidate,
                                             decision=payload.decision, note=payload.note)
    link = decided.links.filter(ended_at__isnull=True).first()
    return {**selectors.candidate_get(member, decided.pk).as_dict(),
            "link_id": link.pk if link else None}


@router.post("/person-links/{link_id}/unmerge",
             response={200: LinkOut, 400: Detail, 403: Detail, 404: Detail, 422: Detail},
             tags=["matching"], summary="同一人物の関連付けを解除（候補は未確認に戻る）")
def link_unmerge(request: HttpRequest, link_id: int, payload: UnmergeIn) -> Any:
    member = selectors.require_reviewer(membership_of(request))
    link = selectors.link_get(member, link_id)
    return _link(services.link_unmerge(actor=member, link=link, reason=payload.reason))


@router.get("/persons/{person_id}/identity", response={200: IdentityOut, 403: Detail, 404: Detail},
            tags=["matching"], summary="同一人物として関連付けられた記録のうち閲覧できるもの")
def person_identity(request: HttpRequest, person_id: int) -> Any:
    member = _actor(request)
    person, _ = policy.require_person(member, person_id, detail="同一人物の記録")
    found = selectors.identity_of(member, person)
    return {"person_id": person.pk,
            "members": [{**m.view.as_dict(), "basis": m.basis, "cases": [c.pk for c in m.cases]}
                        for m in found.members],
            "links": [_link(x.link) for x in found.links]}


@router.post("/match-runs", response={202: MatchRunOut, 400: Detail, 403: Detail},
             tags=["matching"], summary="名寄せの一括照合を開始（バックグラウンド）")
def match_run(request: HttpRequest) -> Any:
    member = selectors.require_reviewer(membership_of(request))
    return 202, _run(services.match_run_request(actor=member, trigger="api"))
