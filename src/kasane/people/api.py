"""People API (contract of issue 4). Every read goes through ``access.policy`` and is logged;
errors are JSON ``{"detail": ...}`` (+ ``errors`` per field for bad input)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from kasane.access import policy
from kasane.access import services as access_services
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


def _actor(request: HttpRequest) -> Any:
    return policy.require_handler(getattr(request, "membership", None),
                                  message="本人情報は相談支援に携わる職員のみが扱えます。",
                                  detail=request.path)


def _date(value: str | None, field: str, *, required: bool = False) -> dt.date | None:
    if value is None or not str(value).strip():
        if required:
            raise ValidationError({field: "この項目は必須です。"})
        return None
    try:
        return parse_date(value)
    except WarekiError as exc:
        raise ValidationError({field: str(exc)}) from None


def _consent(c: Consent) -> dict[str, Any]:
    return {"id": c.pk, "person_id": c.person_id,
            "organization_ids": sorted(c.organizations.values_list("pk", flat=True)),
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
    consent = Consent.objects.filter(pk=consent_id, municipality_id=policy.tenant_id(member)).first()
    policy.require_person(member, consent.person_id if consent else 0, action="consent.withdraw",
                          detail=f"本人同意#{consent_id}")
    withdrawn = services.consent_withdraw(actor=member, consent=consent, reason=payload.reason,
                                          withdrawn_on=_date(payload.withdrawn_on, "withdrawn_on"))
    return _consent(withdrawn)


@router.get("/persons/{person_id}/disclosures",
            response={200: DisclosureList, 403: Detail, 404: Detail},
            summary="開示記録（監査担当・記録した組織の推進員）")
def disclosures(request: HttpRequest, person_id: int) -> Any:
    report = disclosure_report(getattr(request, "membership", None), person_id)
    items = [{"user": r["username"] or r["user"], "organization": r["organization"], "at": r["at"],
              "action": r["action"], "basis": r["basis"]} for r in report.rows]
    return {"items": items, "count": len(items)}


@router.post("/persons/{person_id}/emergency-access",
             response={201: EmergencyOut, 400: Detail, 403: Detail, 404: Detail, 422: Detail},
             summary="緊急アクセス（理由必須・既定24時間・推進員が事後確認）")
def emergency_access(request: HttpRequest, person_id: int, payload: EmergencyIn) -> Any:
    member = getattr(request, "membership", None)
    review = access_services.emergency_access_request(actor=member, person_id=person_id,
                                                      reason=payload.reason, hours=payload.hours)
    return 201, {"id": review.pk, "grant_id": review.grant_id,
                 "valid_until": review.grant.valid_until}
