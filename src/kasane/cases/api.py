"""Cases API (contract of issue 6). Same access rules as the screens: ``access.policy``
decides; errors are JSON ``{"detail": ...}`` (+ ``errors`` per field); a stale
``lock_version`` answers 409."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from kasane.access.http import acting
from kasane.accounts.models import Actor
from kasane.core.forms import date_error_text
from kasane.core.wareki import WarekiError, parse_date

from . import policy as case_policy
from . import selectors, services
from .models import Case, Involvement, Referral, SupportPlan

router = Router(tags=["cases"])


class Detail(Schema):
    detail: str


class CaseIn(Schema):
    person_ids: list[int]
    summary: str
    triage: str = ""
    tags: list[str] = []


# Read from a ``Case`` (lists: from ``selectors.case_list``, whose subjects are prefetched and
# whose lead organization is joined, so no row costs a query). Comments, not docstrings: a
# docstring would become the schema's description in docs/openapi.json.
class CaseOut(Schema):
    id: int
    status: str
    status_label: str
    triage: str
    person_ids: list[int]
    lead_organization_id: int
    lead_organization: str
    lead_user_id: int | None
    tags: list[str]
    summary: str
    opened_at: dt.datetime
    lock_version: int

    @staticmethod
    def resolve_status_label(case: Case) -> str:
        return str(case.get_status_display())

    @staticmethod
    def resolve_person_ids(case: Case) -> list[int]:
        return [s.person_id for s in case.subjects.all()]  # primary first (CaseSubject.Meta)

    @staticmethod
    def resolve_lead_organization_id(case: Case) -> int:
        return case.lead_org_id

    @staticmethod
    def resolve_lead_organization(case: Case) -> str:
        return case.lead_org.name


class CaseList(Schema):
    items: list[CaseOut]
    count: int


class ReferralIn(Schema):
    to_organization_id: int
    reason: str
    consent_id: int | None = None
    due_on: str | None = None


class ReferralOut(Schema):
    id: int
    case_id: int
    from_organization_id: int
    to_organization_id: int
    status: str
    status_label: str
    reason: str
    consent_id: int | None
    due_on: dt.date
    response_text: str


class ReasonIn(Schema):
    reason: str = ""


class TextIn(Schema):
    text: str = ""


class ContactIn(Schema):
    at: dt.datetime
    method: str
    reached: bool = True
    not_reached_reason: str = ""
    stage: str = ""
    summary: str = ""
    minutes: int | None = None
    tags: list[str] = []
    next_action: str = ""
    next_due_on: str | None = None


class ContactOut(Schema):
    id: int
    case_id: int
    at: dt.datetime
    method: str
    method_label: str
    reached: bool
    summary: str
    tags: list[str]
    lock_version: int


class CloseIn(Schema):
    reason: str
    evaluation: str = ""
    watch: bool = False
    watch_organization_id: int | None = None
    watch_method: str = ""
    next_check_on: str | None = None
    lock_version: int | None = None


class TaskIn(Schema):
    organization_id: int
    task: str
    frequency: str = ""


class PlanIn(Schema):
    goals: list[str] = []
    tasks: list[TaskIn] = []
    lead_organization_id: int | None = None
    lead_user_id: int | None = None
    review_on: str | None = None
    lock_version: int | None = None


class PlanUpdateIn(PlanIn):
    """A PUT must say which version it edits: without ``lock_version`` → 422, a stale one →
    409 (optimistic locking is not optional; issue 22 finding 5)."""

    lock_version: int  # type: ignore[assignment]


class SupportPlanOut(Schema):  # read from a ``SupportPlan``
    id: int
    case_id: int
    version: int
    status: str
    status_label: str
    goals: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    lead_organization_id: int
    lead_user_id: int
    review_on: dt.date
    approved_on: dt.date | None
    lock_version: int

    @staticmethod
    def resolve_status_label(plan: SupportPlan) -> str:
        return str(plan.get_status_display())

    @staticmethod
    def resolve_lead_organization_id(plan: SupportPlan) -> int:
        return plan.lead_org_id


class SupportPlanList(Schema):
    items: list[SupportPlanOut]
    count: int


class FromSheetIn(Schema):
    summary: str
    triage: str = ""
    tags: list[str] = []


class MonitoringIn(Schema):
    on: str
    note: str
    evaluations: list[str] = []  # one GoalResult code per plan goal, in the plan's order


class MonitoringOut(Schema):
    id: int
    plan_id: int
    on: dt.date
    note: str
    evaluations: list[dict[str, Any]]


class InvolvementEndIn(Schema):
    reason: str
    ended_on: str | None = None


class InvolvementOut(Schema):
    id: int
    case_id: int
    organization_id: int
    role: str
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: str


def _actor(request: HttpRequest) -> Actor:
    return acting(request, case_policy.NOT_HANDLER)


def _date(value: str | None, field: str) -> dt.date | None:
    if value is None or not str(value).strip():
        return None
    try:
        return parse_date(value)
    except WarekiError as exc:
        raise ValidationError({field: date_error_text(exc)}) from None


def _ref(r: Referral) -> dict[str, Any]:
    return {"id": r.pk, "case_id": r.case_id, "from_organization_id": r.from_org_id,
            "to_organization_id": r.to_org_id, "status": r.status,
            "status_label": r.get_status_display(), "reason": r.reason, "consent_id": r.consent_id,
            "due_on": r.due_on, "response_text": r.response_text}


def _conflict(exc: services.Conflict) -> HttpError:
    return HttpError(409, f"{exc} （保存済みの版: {exc.current.lock_version}）")


@router.get("/cases", response={200: CaseList, 403: Detail})
def case_list(request: HttpRequest, status: str = "") -> dict[str, Any]:
    # The newest 200 cases the caller may see; each subject shown is logged (``case.list``).
    cases = selectors.case_list(_actor(request), status=status, detail="API")
    return {"items": cases, "count": len(cases)}


@router.post("/cases", response={201: CaseOut, 400: Detail, 403: Detail})
def case_create(request: HttpRequest, payload: CaseIn) -> tuple[int, Case]:
    case = services.case_open(actor=_actor(request), person_ids=payload.person_ids,
                              summary=payload.summary, triage=payload.triage, tags=payload.tags)
    return 201, case


@router.get("/cases/{case_id}", response={200: CaseOut, 403: Detail, 404: Detail})
def case_detail(request: HttpRequest, case_id: int) -> Case:
    return case_policy.require_case(_actor(request), case_id, detail="API")


@router.post("/cases/{case_id}/referrals",
             response={201: ReferralOut, 400: Detail, 403: Detail, 404: Detail})
def referral_create(request: HttpRequest, case_id: int, payload: ReferralIn) -> tuple[int, dict[str, Any]]:
    actor = _actor(request)
    case = case_policy.require_case(actor, case_id, action="refer")
    ref = services.referral_create(actor=actor, case=case, to_org_id=payload.to_organization_id,
                                   reason=payload.reason, consent_id=payload.consent_id,
                                   due_on=_date(payload.due_on, "due_on"))
    return 201, _ref(ref)


def _answer(request: HttpRequest, referral_id: int, fn: Any, **kw: Any) -> dict[str, Any]:
    actor = _actor(request)
    ref = selectors.referral_for(actor, referral_id)
    return _ref(fn(actor=actor, referral=ref, **kw))


@router.post("/referrals/{referral_id}/accept",
             response={200: ReferralOut, 400: Detail, 403: Detail, 404: Detail})
def referral_accept(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    return _answer(request, referral_id, services.referral_accept)


@router.post("/referrals/{referral_id}/decline",
             response={200: ReferralOut, 400: Detail, 403: Detail, 404: Detail})
def referral_decline(request: HttpRequest, referral_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _answer(request, referral_id, services.referral_decline, reason=payload.reason)


@router.post("/referrals/{referral_id}/propose",
             response={200: ReferralOut, 400: Detail, 403: Detail, 404: Detail})
def referral_propose(request: HttpRequest, referral_id: int, payload: TextIn) -> dict[str, Any]:
    return _answer(request, referral_id, services.referral_propose, text=payload.text)


@router.post("/referrals/{referral_id}/withdraw",
             response={200: ReferralOut, 400: Detail, 403: Detail, 404: Detail})
def referral_withdraw(request: HttpRequest, referral_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _answer(request, referral_id, services.referral_withdraw, reason=payload.reason)


@router.post("/cases/{case_id}/contacts",
             response={201: ContactOut, 400: Detail, 403: Detail, 404: Detail})
def contact_create(request: HttpRequest, case_id: int, payload: ContactIn) -> tuple[int, dict[str, Any]]:
    actor = _actor(request)
    case = case_policy.require_case(actor, case_id, action="contact")
    data = payload.dict()
    data["next_due_on"] = _date(payload.next_due_on, "next_due_on")
    c = services.contact_record(actor=actor, case=case, data=data)
    return 201, {"id": c.pk, "case_id": c.case_id, "at": c.at, "method": c.method,
                 "method_label": c.get_method_display(), "reached": c.reached,
                 "summary": c.summary, "tags": c.tags, "lock_version": c.lock_version}


@router.post("/cases/{case_id}/close",
             response={200: CaseOut, 400: Detail, 403: Detail, 404: Detail, 409: Detail})
def case_close(request: HttpRequest, case_id: int, payload: CloseIn) -> Case:
    actor = _actor(request)
    case = case_policy.require_case(actor, case_id, action="close")
    try:
        services.case_close(
            actor=actor, case=case, reason=payload.reason, evaluation=payload.evaluation,
            watch=payload.watch, watch_org_id=payload.watch_organization_id,
            watch_method=payload.watch_method,
            next_check_on=_date(payload.next_check_on, "next_check_on"),
            expected_version=payload.lock_version)
    except services.Conflict as exc:
        raise _conflict(exc) from None
    return Case.objects.select_related("lead_org").get(pk=case.pk)


@router.get("/cases/{case_id}/plans", response={200: SupportPlanList, 403: Detail, 404: Detail})
def plan_list(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = case_policy.require_case(_actor(request), case_id, action="view")
    plans = selectors.plans_of(case)
    return {"items": plans, "count": len(plans)}


def _plan_args(payload: PlanIn) -> dict[str, Any]:
    return {"goals": payload.goals,
            "tasks": [{"org_id": t.organization_id, "task": t.task, "frequency": t.frequency}
                      for t in payload.tasks],
            "lead_org_id": payload.lead_organization_id, "lead_user_id": payload.lead_user_id,
            "review_on": _date(payload.review_on, "review_on")}


@router.post("/cases/{case_id}/plans",
             response={201: SupportPlanOut, 400: Detail, 403: Detail, 404: Detail})
def plan_create(request: HttpRequest, case_id: int, payload: PlanIn) -> tuple[int, SupportPlan]:
    actor = _actor(request)
    case = case_policy.require_case(actor, case_id, action="plan")
    return 201, services.plan_create(actor=actor, case=case, **_plan_args(payload))


def _plan_of(actor: Actor, plan_id: int) -> SupportPlan:
    plan, _ = case_policy.require_case_row(actor, SupportPlan, plan_id, action="plan")
    return plan


@router.put("/plans/{plan_id}",
            response={200: SupportPlanOut, 400: Detail, 403: Detail, 404: Detail, 409: Detail, 422: Detail})
def plan_update(request: HttpRequest, plan_id: int, payload: PlanUpdateIn) -> SupportPlan:
    actor = _actor(request)
    plan = _plan_of(actor, plan_id)
    try:
        return services.plan_update(actor=actor, plan=plan, **_plan_args(payload),
                                    expected_version=payload.lock_version)
    except services.Conflict as exc:
        raise _conflict(exc) from None


@router.post("/plans/{plan_id}/approve",
             response={200: SupportPlanOut, 400: Detail, 403: Detail, 404: Detail, 409: Detail})
def plan_approve(request: HttpRequest, plan_id: int) -> SupportPlan:
    actor = _actor(request)
    plan = _plan_of(actor, plan_id)
    return services.plan_approve(actor=actor, plan=plan)


@router.post("/sheet-records/{record_id}/case",
             response={201: CaseOut, 400: Detail, 403: Detail, 404: Detail})
def case_from_sheet(request: HttpRequest, record_id: int, payload: FromSheetIn) -> tuple[int, Case]:
    """Open a case from a submitted 相談受付・申込票 / つなぐシート / インテーク that names a Person."""
    from kasane.sheets.policy import require_record

    actor = _actor(request)
    record = require_record(actor=actor, pk=record_id, action="sheet_record_case_open")
    case = services.case_open_from_record(actor=actor, record=record, summary=payload.summary,
                                                 triage=payload.triage, tags=payload.tags)
    return 201, case


@router.post("/plans/{plan_id}/monitoring",
             response={201: MonitoringOut, 400: Detail, 403: Detail, 404: Detail})
def plan_monitor(request: HttpRequest, plan_id: int, payload: MonitoringIn) -> tuple[int, dict[str, Any]]:
    actor = _actor(request)
    plan = _plan_of(actor, plan_id)
    m = services.plan_monitor(actor=actor, plan=plan, on=_date(payload.on, "on"),
                                      note=payload.note, evaluations=payload.evaluations)
    return 201, {"id": m.pk, "plan_id": m.plan_id, "on": m.on, "note": m.note,
                 "evaluations": m.evaluations}


@router.post("/involvements/{involvement_id}/end",
             response={200: InvolvementOut, 400: Detail, 403: Detail, 404: Detail})
def involvement_end(request: HttpRequest, involvement_id: int,
                    payload: InvolvementEndIn) -> dict[str, Any]:
    actor = _actor(request)
    inv, _ = case_policy.require_case_row(actor, Involvement, involvement_id,
                                          action="involvement")
    i = services.involvement_end(actor=actor, involvement=inv, reason=payload.reason,
                                 ended_on=_date(payload.ended_on, "ended_on"))
    return {"id": i.pk, "case_id": i.case_id, "organization_id": i.organization_id,
            "role": i.role, "started_on": i.started_on, "ended_on": i.ended_on,
            "end_reason": i.end_reason}
