"""Every write to cases and referrals (policy check → transaction → full_clean → write →
CaseEvent + audit row). Contacts, plans and closures are in ``services_records``.

Status changes live only here: ``case_status_change`` (受付 → アセスメント → プラン作成 → 支援中,
rules below) and ``services_records.case_close`` (終結 / 見守り継続, from any status).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kasane.access import policy
from kasane.access import services as access_services
from kasane.accounts.models import Organization
from kasane.audit.models import Basis
from kasane.audit.services import change_record, snapshot
from kasane.core.ids import as_id

from .models import (
    OPEN_REFERRAL_STATUSES,
    Case,
    CaseEvent,
    CaseSubject,
    EventKind,
    Involvement,
    InvolvementRole,
    PlanStatus,
    ProjectTag,
    Referral,
    ReferralStatus,
    Status,
    Triage,
)

REFERRAL_DUE_DAYS = 7
MANUAL_STATUSES = (Status.INTAKE, Status.ASSESSMENT, Status.PLANNING, Status.SUPPORTING)


class Conflict(Exception):
    """A stale ``lock_version``: someone saved the record after the editor loaded it."""

    def __init__(self, current: Any, message: str = "") -> None:
        self.current = current
        super().__init__(message or "他の職員が先に保存しました。最新の内容を確認してください。")


def check_version(instance: Any, expected: int | None) -> Any:
    """Lock the row and refuse a stale version (call inside ``transaction.atomic``)."""
    locked = type(instance).objects.select_for_update().get(pk=instance.pk)
    if expected is not None and int(expected) != locked.lock_version:
        raise Conflict(locked)
    return locked


def check_tags(tags: Iterable[str] | None, field: str = "tags") -> list[str]:
    values = list(dict.fromkeys(tags or []))
    unknown = [t for t in values if t not in ProjectTag.values]
    if unknown:
        raise ValidationError({field: f"不明な事業コードです: {', '.join(unknown)}"})
    return values


def event(case: Case, actor: Any, kind: str, text: str, **extra: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, text=text[:500], user=actor.user,
                                    organization=actor.organization, **extra)


def _require_handler(actor: Any) -> None:
    if not policy.handles_persons(actor):
        raise PermissionDenied("支援ケースは相談支援に携わる職員のみが扱えます。")


def is_involved(actor: Any, case: Case) -> bool:
    """The actor's organization takes part in the case (an active Involvement). Others who
    see it (e.g. pledged 支援会議 members) read only."""
    return bool(policy.handles_persons(actor) and case.involvements.filter(
        organization_id=actor.organization_id, ended_on__isnull=True).exists())


def is_lead(actor: Any, case: Case) -> bool:
    """主担当機関 of the case, or a 推進員 of an involved organization (both may steer it)."""
    from kasane.accounts.models import Role

    return bool(policy.handles_persons(actor) and (
        actor.organization_id == case.lead_org_id or actor.role == Role.COORDINATOR))


def _tenant_org(actor: Any, org_id: Any, field: str) -> Organization:
    try:
        return Organization.objects.get(pk=int(org_id), municipality_id=policy.tenant_id(actor),
                                        is_active=True)
    except (Organization.DoesNotExist, TypeError, ValueError):
        raise ValidationError({field: "この自治体の有効な組織を選んでください。"}) from None


def involvement_ensure(*, actor: Any, case: Case, organization: Organization, role: str,
                       basis: str, source_type: str = "", source_id: object = "") -> Involvement:
    """An active Involvement of ``organization`` (created once; never duplicated)."""
    found = case.involvements.filter(organization=organization, ended_on__isnull=True).first()
    if found is not None:
        if role == InvolvementRole.LEAD and found.role != role:
            found.role = role
            found.save(update_fields=["role"])
        return found
    inv = Involvement(case=case, organization=organization, role=role, basis=basis,
                      source_type=source_type, source_id=str(source_id))
    inv.full_clean()
    inv.save()
    change_record(user=actor.user, instance=inv, operation="create",
                  organization_id=actor.organization_id)
    event(case, actor, EventKind.INVOLVEMENT,
          f"{organization.name} が{inv.get_role_display()}として関与（根拠: {inv.basis_label}）")
    return inv


def involvement_end(*, actor: Any, involvement: Involvement, reason: str,
                    ended_on: dt.date | None = None) -> Involvement:
    """An organization leaves the case (its own staff, or the 主担当 org / a 推進員): the
    Involvement ends and so do the org's ``case_involvement`` grants made from this case's
    referrals and plans. The 主担当機関 cannot leave before handing 主担当 over (ケース情報の変更)."""
    from kasane.access.models import Grant

    _require_handler(actor)
    case = involvement.case
    if not case.involvements.filter(organization_id=actor.organization_id,
                                    ended_on__isnull=True).exists() or (
            actor.organization_id != involvement.organization_id and not is_lead(actor, case)):
        raise PermissionDenied("関与を終了できるのは、その機関の職員、主担当機関の職員または推進員です。")
    reason = (reason or "").strip()
    day = ended_on or timezone.localdate()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "関与を終了する理由を入力してください。"
    if day > timezone.localdate():
        errors["ended_on"] = "終了日が未来の日付です。"
    elif day < involvement.started_on:
        errors["ended_on"] = f"終了日が関与の開始日（{involvement.started_on:%Y-%m-%d}）より前です。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        locked = Involvement.objects.select_for_update().select_related("organization", "case") \
            .get(pk=involvement.pk)
        if locked.ended_on is not None:
            raise ValidationError({"reason": "この関与はすでに終了しています。"})
        if locked.organization_id == locked.case.lead_org_id:
            raise ValidationError({"reason": "主担当機関は関与を終了できません。先に「ケース情報の変更」で主担当を他の関与機関に引き継いでください。"})
        before = snapshot(locked)
        locked.ended_on, locked.end_reason = day, reason
        locked.full_clean()
        locked.save(update_fields=["ended_on", "end_reason"])
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      organization_id=actor.organization_id, reason=reason)
        sources = [("referral", str(pk)) for pk in case.referrals.values_list("pk", flat=True)]
        sources += [("plan", str(pk)) for pk in case.plans.values_list("pk", flat=True)]
        grants = Grant.objects.filter(
            organization_id=locked.organization_id, basis=Basis.CASE_INVOLVEMENT,
            ended_at__isnull=True, person_id__in=case.subjects.values("person_id"))
        ended = 0
        for grant in grants:
            if (grant.source_type, grant.source_id) in sources:
                access_services.grant_end(actor=actor, grant=grant,
                                          reason=f"ケース#{case.pk}への関与を終了：{reason}")
                ended += 1
        event(locked.case, actor, EventKind.INVOLVEMENT,
              f"{locked.organization.name} が関与を終了（{day:%Y-%m-%d}）：{reason}")
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    return locked


def grant_case_involvement(*, actor: Any, case: Case, organization: Organization,
                           source_type: str, source_id: object,
                           only_with_consent: bool = False) -> int:
    """``case_involvement`` grants for each subject person to ``organization``.

    With ``only_with_consent`` a person gets one only when a valid consent names the org.
    """
    count = 0
    for subject in case.subjects.select_related("person"):
        person = subject.person
        if person.created_by_org_id == organization.pk:
            continue
        if only_with_consent and valid_consent_for(person, organization) is None:
            continue
        access_services.grant_create(actor=actor, person=person, basis=Basis.CASE_INVOLVEMENT,
                                     organization=organization, source_type=source_type,
                                     source_id=source_id)
        count += 1
    return count


def valid_consent_for(person: Any, organization: Organization, *, consent: Any = None,
                      day: dt.date | None = None) -> Any:
    """A consent of ``person`` that is current, names ``organization`` and covers
    information sharing (``consent`` given: that one only, or None)."""
    from kasane.people.models import Consent

    day = day or timezone.localdate()
    qs = Consent.objects.filter(person=person, organizations=organization,
                                withdrawn_on__isnull=True, obtained_on__lte=day)
    if consent is not None:
        qs = qs.filter(pk=consent.pk)
    for c in qs.order_by("-obtained_on", "-id"):
        if c.is_current(day) and "information_sharing" in c.purposes:
            return c
    return None


# --- Case ---------------------------------------------------------------------------------

def case_open(*, actor: Any, person_ids: Iterable[Any], summary: str, triage: str = "",
              tags: Iterable[str] | None = None, primary_id: Any = None,
              source_sheet_record_id: int | None = None) -> Case:
    """Open a case (受付) for persons the actor may see; the actor's org is 主担当 (own_record)."""
    _require_handler(actor)
    errors: dict[str, str] = {}
    try:
        ids = list(dict.fromkeys(int(i) for i in person_ids))
    except (TypeError, ValueError):
        raise ValidationError({"person_ids": "本人IDが正しくありません。"}) from None
    summary = (summary or "").strip()
    if not ids:
        errors["person_ids"] = "対象の本人を1人以上選んでください。"
    else:
        bases = policy.bases_for(actor, ids)
        if len(bases) != len(ids):
            errors["person_ids"] = "閲覧の根拠がない本人、または存在しない本人が含まれています。"
    if not summary:
        errors["summary"] = "相談の概要を入力してください。"
    if triage and triage not in Triage.values:
        errors["triage"] = "分類は①〜④から選んでください。"
    try:
        tag_list = check_tags(tags)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    primary = int(primary_id) if primary_id and int(primary_id) in ids else ids[0]
    case = Case(municipality_id=policy.tenant_id(actor), summary=summary, triage=triage,
                tags=tag_list, lead_org=actor.organization, lead_user=actor.user,
                opened_by=actor.user, opened_org=actor.organization,
                source_sheet_record_id=source_sheet_record_id)
    with transaction.atomic():
        case.full_clean()
        case.save()
        for pid in ids:
            CaseSubject.objects.create(case=case, person_id=pid, is_primary=pid == primary)
        change_record(user=actor.user, instance=case, operation="create",
                      after={**snapshot(case), "person_ids": ids},
                      organization_id=actor.organization_id)
        event(case, actor, EventKind.OPENED, f"{actor.organization.name} が受付",
              to_status=Status.INTAKE)
        Involvement.objects.create(case=case, organization=actor.organization,
                                   role=InvolvementRole.LEAD, basis=Basis.OWN_RECORD,
                                   source_type="case", source_id=str(case.pk))
    return case


def case_update(*, actor: Any, case: Case, expected_version: int | None, summary: str,
                triage: str = "", tags: Iterable[str] | None = None,
                lead_org_id: Any = None, lead_user_id: Any = None) -> Case:
    """Edit summary, 分類, 事業 and 主担当 with optimistic locking."""
    from kasane.accounts.models import User

    _require_handler(actor)
    errors: dict[str, str] = {}
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = "相談の概要を入力してください。"
    if triage and triage not in Triage.values:
        errors["triage"] = "分類は①〜④から選んでください。"
    tag_list = check_tags(tags)
    lead_org = _tenant_org(actor, lead_org_id, "lead_org") if lead_org_id else case.lead_org
    if not case.involvements.filter(organization=lead_org, ended_on__isnull=True).exists():
        errors["lead_org"] = "主担当機関は、このケースに関与している機関から選んでください。"
    lead_user = None
    if lead_user_id:
        lead_user = User.objects.filter(pk=lead_user_id, memberships__organization=lead_org,
                                        memberships__is_active=True).first()
        if lead_user is None:
            errors["lead_user"] = "主担当者は主担当機関の職員から選んでください。"
    if not errors.get("lead_org") and (lead_org.pk != case.lead_org_id or (
            lead_user.pk if lead_user else None) != case.lead_user_id) and not is_lead(actor, case):
        errors["lead_org"] = "主担当を変更できるのは主担当機関の職員または推進員です。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = check_version(case, expected_version)
        before = snapshot(locked)
        locked.summary, locked.triage, locked.tags = summary, triage, tag_list
        locked.lead_org, locked.lead_user = lead_org, lead_user
        locked.lock_version += 1
        locked.full_clean()
        locked.save()
        if lead_org.pk != before["lead_org_id"]:
            involvement_ensure(actor=actor, case=locked, organization=lead_org,
                               role=InvolvementRole.LEAD, basis=Basis.CASE_INVOLVEMENT)
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      organization_id=actor.organization_id)
        event(locked, actor, EventKind.UPDATED, "ケース情報を変更")
    return locked


def case_status_change(*, actor: Any, case: Case, to_status: str, note: str = "",
                       expected_version: int | None = None) -> Case:
    """受付 ⇄ アセスメント ⇄ プラン作成 → 支援中 (支援中 needs an approved plan). 終結 and 見守り継続
    only through ``case_close``; a closed case does not move."""
    _require_handler(actor)
    if not is_lead(actor, case):
        raise PermissionDenied("状態を変更できるのは主担当機関の職員または推進員です。")
    if to_status in (Status.CLOSED, Status.WATCHING):
        raise ValidationError({"status": "終結は「終結」の画面から、理由と評価を記録して行ってください。"})
    if to_status not in MANUAL_STATUSES:
        raise ValidationError({"status": "状態のコードが正しくありません。"})
    with transaction.atomic():
        locked = check_version(case, expected_version)
        if not locked.is_open:
            raise ValidationError({"status": f"{locked.get_status_display()}のケースの状態は変更できません。"})
        if locked.status == to_status:
            raise ValidationError({"status": "すでにその状態です。"})
        if to_status == Status.SUPPORTING and not locked.plans.filter(
                status=PlanStatus.APPROVED).exists():
            raise ValidationError({"status": "承認された支援プランがないため「支援中」にできません。"})
        before = snapshot(locked)
        from_status = locked.status
        locked.status = to_status
        locked.lock_version += 1
        locked.save(update_fields=["status", "lock_version", "updated_at"])
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      organization_id=actor.organization_id, reason=note)
        labels = dict(Status.choices)
        event(locked, actor, EventKind.STATUS,
              f"{labels[from_status]} → {labels[to_status]}{'：' + note if note else ''}",
              from_status=from_status, to_status=to_status)
    return locked


# --- Referral (つなぎ) ----------------------------------------------------------------------

# Apps above cases (meetings) append ``callable(case=, to_org=) -> str | None`` here in their
# AppConfig.ready(): the 支援会議 exception (法106条の6) to the consent rule of a referral.
CONSENT_EXCEPTIONS: list[Any] = []


def consent_exception(*, case: Case, to_org: Organization) -> str | None:
    """The basis code of the first registered exception that lets this referral go without
    consent (e.g. the case is on a 支援会議 both organizations attend), else None."""
    for exception in CONSENT_EXCEPTIONS:
        basis = exception(case=case, to_org=to_org)
        if basis:
            return str(basis)
    return None


def referral_create(*, actor: Any, case: Case, to_org_id: Any, reason: str, consent_id: Any,
                    due_on: dt.date | None = None, previous: Referral | None = None) -> Referral:
    """つなぎ: ask another organization to take part. Needs a valid consent of every subject
    person naming the receiving org for information sharing (or a 支援会議 exception)."""
    from kasane.people.models import Consent

    _require_handler(actor)
    if not case.involvements.filter(organization_id=actor.organization_id,
                                    ended_on__isnull=True).exists():
        raise PermissionDenied("このケースに関与している機関だけがつなぎを依頼できます。")
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    to_org = _tenant_org(actor, to_org_id, "to_organization_id")
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
    exception = consent_exception(case=case, to_org=to_org)
    if errors:
        raise ValidationError(errors)
    persons = [s.person for s in case.subjects.select_related("person")]
    if exception is None:
        consent = Consent.objects.filter(pk=as_id(consent_id),
                                         person__in=persons).first()
        if consent is None:
            raise ValidationError({"consent_id": "対象の本人の本人同意を選んでください。同意がない場合は支援会議で検討してください。"})
        if valid_consent_for(consent.person, to_org, consent=consent) is None:
            raise ValidationError({"consent_id": f"この本人同意は {to_org.name} との情報共有に使えません（撤回・期限切れ、共有先・目的の不一致）。"})
        missing = [p.full_name for p in persons if p.pk != consent.person_id
                   and valid_consent_for(p, to_org) is None]
        if missing:
            raise ValidationError({"consent_id": f"{'、'.join(missing)} さんの {to_org.name} との情報共有への同意がありません。"})
    referral = Referral(case=case, from_org=actor.organization, to_org=to_org, reason=reason,
                        consent=consent, due_on=due, created_by=actor.user, previous=previous)
    with transaction.atomic():
        referral.full_clean()
        referral.save()
        change_record(user=actor.user, instance=referral, operation="create",
                      organization_id=actor.organization_id)
        event(case, actor, EventKind.REFERRAL,
              f"{actor.organization.name} → {to_org.name} につなぎを依頼（回答期限 {due:%Y-%m-%d}）",
              referral=referral)
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    return referral


def _respond(actor: Any, referral: Referral, status: str, text: str, verb: str) -> Referral:
    _require_handler(actor)
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
    return locked


def referral_accept(*, actor: Any, referral: Referral, note: str = "") -> Referral:
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


def referral_decline(*, actor: Any, referral: Referral, reason: str) -> Referral:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "辞退の理由を入力してください。"})
    return _respond(actor, referral, ReferralStatus.DECLINED, reason, "辞退")


def referral_propose(*, actor: Any, referral: Referral, text: str) -> Referral:
    """提案: the receiving org proposes what to try instead; the requester re-refers or withdraws."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "提案の内容を入力してください。"})
    return _respond(actor, referral, ReferralStatus.PROPOSED, text, "提案")


def referral_withdraw(*, actor: Any, referral: Referral, reason: str = "") -> Referral:
    """The requesting org withdraws an open referral (e.g. after a proposal)."""
    _require_handler(actor)
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


def referral_rerefer(*, actor: Any, referral: Referral, reason: str,
                     consent_id: Any = None) -> Referral:
    """After a proposal, ask the same org again (the proposal is closed as withdrawn)."""
    if referral.status != ReferralStatus.PROPOSED:
        raise ValidationError({"status": "再依頼できるのは提案を受けたつなぎです。"})
    with transaction.atomic():
        referral_withdraw(actor=actor, referral=referral, reason="再依頼")
        return referral_create(actor=actor, case=referral.case, to_org_id=referral.to_org_id,
                               reason=reason, consent_id=consent_id or referral.consent_id,
                               previous=referral)
