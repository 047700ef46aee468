"""Decisions of a meeting flow into the case through ``cases`` services (never by writing case
rows here): plan approval → ``plan_approve`` (timeline links back to the meeting), 主担当 →
``case_update``, 終結 → ``case_close``; every decision also writes a CaseEvent of kind
``meeting`` with the link, and the Decision row keeps the case/plan link the other way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kasane.access import services as access_services
from kasane.accounts.models import Actor
from kasane.audit.services import change_record
from kasane.cases import services as case_services
from kasane.cases.models import EventKind, PlanStatus, SupportPlan
from kasane.core.ids import as_id
from kasane.core.wareki import format_wareki

from ..models import MULTILAYER_ONLY, AgendaItem, Decision, DecisionKind, Meeting, MeetingBody
from ..policy import can_manage, refuse
from .meetings import SOURCE


def meeting_link(meeting: Meeting, item_id: int | None = None) -> str:
    return f"/meetings/{meeting.pk}/" + (f"#item-{item_id}" if item_id else "")


def where(meeting: Meeting) -> str:
    day = timezone.localtime(meeting.starts_at)
    return f"{meeting.body.name} {format_wareki(day.date())}"


def decision_record(*, actor: Actor, meeting: Meeting, case_id: Any, kind: str, text: str = "",
                    plan_id: Any = None, lead_org_id: Any = None, lead_user_id: Any = None,
                    review_on: dt.date | None = None, referred_body_id: Any = None,
                    closure_reason: str = "", evaluation: str = "") -> Decision:
    """Record one decision on an agenda case and carry it into the case."""
    if not can_manage(actor, meeting.body):
        raise refuse(actor, "decision", "決定事項を記録できるのは事務局または推進員です。",
                     object_id=meeting.pk)
    cid = as_id(case_id)
    item = meeting.items.select_related("case").filter(case_id=cid).first()
    if item is None:
        refuse(actor, "decision", f"議題にないケース#{case_id}への決定", object_id=meeting.pk)
        raise ValidationError({"case_id": f"ケース#{case_id} はこの会議の議題にありません。議題にあるケースについてのみ決定を記録できます。"})
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": "決定の種類を選んでください。"})
    if kind in MULTILAYER_ONLY and meeting.is_support:
        raise ValidationError({"kind": "プランの承認と終結の承認は重層的支援会議で行います（支援会議では決定できません）。"})
    if meeting.starts_at > timezone.now():
        raise ValidationError({"kind": "開催前の会議には決定を記録できません。"})
    case = item.case
    text = (text or "").strip()
    label = DecisionKind(kind).label
    decision = Decision(item=item, kind=kind, decided_by=actor.user)
    link = meeting_link(meeting, item.pk)
    with transaction.atomic():
        if kind == DecisionKind.PLAN_APPROVED:
            plan = SupportPlan.objects.filter(pk=as_id(plan_id),
                                              case=case).first()
            if plan is None or plan.status != PlanStatus.DRAFT:
                raise ValidationError({"plan_id": "このケースの承認前（案）の支援プランを選んでください。"})
            held_on = min(timezone.localdate(meeting.starts_at), timezone.localdate())
            case_services.plan_approve(actor=actor, plan=plan, approved_on=held_on,
                                          where=where(meeting), link=link, meeting_id=meeting.pk)
            decision.plan = plan
            text = text or f"支援プラン 第{plan.version}版を承認"
        elif kind == DecisionKind.ROLES_ASSIGNED:
            if not lead_org_id:
                raise ValidationError({"lead_org": "主担当機関を選んでください。"})
            case_services.case_update(actor=actor, case=case, expected_version=None,
                                      summary=case.summary, triage=case.triage, tags=case.tags,
                                      lead_org_id=lead_org_id, lead_user_id=lead_user_id)
            case.refresh_from_db()
            decision.lead_org, decision.lead_user = case.lead_org, case.lead_user
            text = text or f"主担当: {case.lead_org.name}"
        elif kind == DecisionKind.NEXT_REVIEW:
            if review_on is None or review_on < timezone.localdate():
                raise ValidationError({"review_on": "次回の見直し日を今日以降で入力してください。"})
            decision.review_on = review_on
            text = text or f"次回見直し {format_wareki(review_on)}"
        elif kind == DecisionKind.CLOSURE_APPROVED:
            case_services.case_close(actor=actor, case=case, reason=closure_reason,
                                        evaluation=evaluation or text)
            text = text or "終結を承認"
            _end_grants_for_case(actor, case)
        elif kind == DecisionKind.REFERRED:
            body = MeetingBody.objects.filter(pk=as_id(referred_body_id),
                                              municipality_id=meeting.municipality_id).first()
            if body is None:
                raise ValidationError({"referred_body": "付議先の会議体を選んでください。"})
            decision.referred_body = body
            text = text or f"{body.name}へ付議"
        decision.text = text[:500]
        decision.full_clean()
        decision.save()
        change_record(user=actor.user, instance=decision, operation="create",
                      organization_id=actor.organization_id)
        if kind != DecisionKind.PLAN_APPROVED:  # plan_approve already wrote a linked event
            case_services.event(case, actor, EventKind.MEETING,
                                f"{where(meeting)}で決定（{label}）：{decision.text}", link=link)
    return decision


def _end_grants_for_case(actor: Actor, case: Any) -> None:
    """終結: support_meeting grants on the case's persons end with it (DESIGN §5)."""
    meetings = AgendaItem.objects.filter(case=case).values_list("meeting_id", flat=True)
    access_services.grants_end_from(
        actor=actor, sources=[(SOURCE, m) for m in meetings], reason="会議で終結を承認",
        person_ids=case.subjects.values_list("person_id", flat=True))
