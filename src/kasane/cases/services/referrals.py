"""つなぎ (Referral): ask another organization to take part, and its answers.

A referral needs a current consent of every subject person naming the receiving organization
for information sharing — or a basis ``cases.policy`` finds without consent (a current
支援会議 the receiving organization attends, 法106条の6: a ``refer`` CaseGrant row).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kasane.accounts.models import Actor
from kasane.audit.models import Basis
from kasane.audit.services import change_record, snapshot
from kasane.core.ids import as_id
from kasane.core.wareki import format_wareki
from kasane.people.models import Consent, Purpose
from kasane.people.selectors import consent_current_for

from .. import policy as case_policy
from ..events import REFERRAL_ANSWERED, REFERRAL_SENT
from ..models import (
    OPEN_REFERRAL_STATUSES,
    Case,
    EventKind,
    InvolvementRole,
    Referral,
    ReferralStatus,
)
from .cases import grant_case_involvement, involvement_ensure
from .common import event, tenant_org

REFERRAL_DUE_DAYS = 7


def referral_create(*, actor: Actor, case: Case, to_org_id: Any, reason: str, consent_id: Any,
                    due_on: dt.date | None = None, previous: Referral | None = None) -> Referral:
    """つなぎ: ask another organization to take part. Needs a valid consent of every subject
    person naming the receiving org for information sharing (or a basis without consent)."""
    case_policy.require_handler(actor)
    case_policy.require_involved(actor, case, "このケースに関与している機関だけがつなぎを依頼できます。")
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    to_org = tenant_org(actor, to_org_id, "to_organization_id", case_staff=True)
    if not case.is_open:
        errors["reason"] = f"{case.get_status_display()}のケースからはつなぎを依頼できません。"
    if to_org.pk == actor.organization_id:
        errors["to_organization_id"] = "自機関にはつなげません。"
    elif case.involvements.filter(organization=to_org, ended_on__isnull=True).exists():
        errors["to_organization_id"] = f"{to_org.name} はすでにこのケースに関与しています。"
    elif case.referrals.filter(to_org=to_org, status__in=OPEN_REFERRAL_STATUSES).exists():
        errors["to_organization_id"] = f"{to_org.name} への回答待ちのつなぎがあります。"
    if not reason:
        errors["reason"] = "依頼の内容を入力してください。"
    today = timezone.localdate()
    due = due_on or today + dt.timedelta(days=REFERRAL_DUE_DAYS)
    if due < today:
        errors["due_on"] = "回答期限が過去の日付です。"
    consent = None
    exception = case_policy.referral_basis_without_consent(actor, case, to_org.pk)
    if errors:
        raise ValidationError(errors)
    persons = [s.person for s in case.subjects.select_related("person")]
    if exception is None:
        consent = Consent.objects.filter(pk=as_id(consent_id),
                                         person__in=persons).first()
        if consent is None:
            raise ValidationError({"consent_id": "対象の本人の本人同意を選んでください。同意がない場合は支援会議で検討してください。"})
        if consent_current_for(consent.person, to_org, Purpose.INFORMATION_SHARING,
                               consent=consent) is None:
            raise ValidationError({"consent_id": f"この本人同意は {to_org.name} との情報共有に使えません（撤回・期限切れ、共有先・目的の不一致）。"})
        missing = [p.full_name for p in persons if p.pk != consent.person_id
                   and consent_current_for(p, to_org, Purpose.INFORMATION_SHARING) is None]
        if missing:
            raise ValidationError({"consent_id": f"{'、'.join(missing)} さんの {to_org.name} との情報共有への同意がありません。"})
    referral = Referral(case=case, municipality_id=case.municipality_id, from_org=actor.organization,
                        to_org=to_org, reason=reason,
                        consent=consent, due_on=due, created_by=actor.user, previous=previous)
    with transaction.atomic():
        referral.full_clean()
        referral.save()
        change_record(user=actor.user, instance=referral, operation="create",
                      organization_id=actor.organization_id)
        event(case, actor, EventKind.REFERRAL,
              f"{actor.organization.name} → {to_org.name} につなぎを依頼（回答期限 {format_wareki(due)}）",
              referral=referral)
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        REFERRAL_SENT.emit(municipality_id=case.municipality_id, referral_id=referral.pk, to_org_id=to_org.pk)
    return referral


def _respond(actor: Actor, referral: Referral, status: str, text: str, verb: str) -> Referral:
    case_policy.require_handler(actor)
    if actor.organization_id != referral.to_org_id:
        raise PermissionDenied("このつなぎに回答できるのは依頼先の機関です。")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().select_related("case", "to_org").get(
            pk=referral.pk)
        if locked.status != ReferralStatus.REQUESTED:
            raise ValidationError({"status": f"このつなぎは既に「{locked.get_status_display()}」です。{verb}できません。"})
        before = snapshot(locked)
        locked.status = status
        locked.response_text = text
        locked.responded_by = actor.user
        locked.responded_at = timezone.now()
        locked.save()
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      organization_id=actor.organization_id, reason=text[:300])
        event(locked.case, actor, EventKind.REFERRAL,
              f"{locked.to_org.name} が{locked.get_status_display()}{'：' + text if text else ''}",
              referral=locked)
        Case.objects.filter(pk=locked.case_id).update(updated_at=timezone.now())
        REFERRAL_ANSWERED.emit(municipality_id=locked.case.municipality_id, referral_id=locked.pk, from_org_id=locked.from_org_id, status=status)
    return locked


def referral_accept(*, actor: Actor, referral: Referral, note: str = "") -> Referral:
    """受理: the receiving org becomes involved and gets case_involvement grants."""
    if referral.status == ReferralStatus.DECLINED:
        raise ValidationError({"status": "辞退したつなぎは受理できません。改めて依頼を受けてください。"})
    with transaction.atomic():
        accepted = _respond(actor, referral, ReferralStatus.ACCEPTED, (note or "").strip(), "受理")
        case = accepted.case
        involvement_ensure(actor=actor, case=case, organization=actor.organization,
                           role=InvolvementRole.REFERRED, basis=Basis.CASE_INVOLVEMENT,
                           source_type="referral", source_id=accepted.pk)
        grant_case_involvement(actor=actor, case=case, organization=actor.organization,
                               source_type="referral", source_id=accepted.pk)
    return accepted


def referral_decline(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "辞退の理由を入力してください。"})
    return _respond(actor, referral, ReferralStatus.DECLINED, reason, "辞退")


def referral_propose(*, actor: Actor, referral: Referral, text: str) -> Referral:
    """提案: the receiving org proposes what to try instead; the requester re-refers or withdraws."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "提案の内容を入力してください。"})
    return _respond(actor, referral, ReferralStatus.PROPOSED, text, "提案")


def referral_withdraw(*, actor: Actor, referral: Referral, reason: str = "") -> Referral:
    """The requesting org withdraws an open referral (e.g. after a proposal)."""
    case_policy.require_handler(actor)
    if actor.organization_id != referral.from_org_id:
        raise PermissionDenied("取り下げられるのは依頼元の機関です。")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().select_related("case", "to_org").get(
            pk=referral.pk)
        if not locked.is_open:
            raise ValidationError({"status": f"このつなぎは既に「{locked.get_status_display()}」です。"})
        before = snapshot(locked)
        locked.status = ReferralStatus.WITHDRAWN
        locked.save(update_fields=["status"])
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      organization_id=actor.organization_id, reason=reason)
        event(locked.case, actor, EventKind.REFERRAL,
              f"{locked.to_org.name} へのつなぎを取下げ{'：' + reason if reason else ''}",
              referral=locked)
    return locked


def referral_rerefer(*, actor: Actor, referral: Referral, reason: str,
                     consent_id: Any = None) -> Referral:
    """After a proposal, ask the same org again (the proposal is closed as withdrawn)."""
    if referral.status != ReferralStatus.PROPOSED:
        raise ValidationError({"status": "再依頼できるのは提案を受けたつなぎです。"})
    with transaction.atomic():
        referral_withdraw(actor=actor, referral=referral, reason="再依頼")
        return referral_create(actor=actor, case=referral.case, to_org_id=referral.to_org_id,
                               reason=reason, consent_id=consent_id or referral.consent_id,
                               previous=referral)
