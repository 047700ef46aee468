"""Opening, editing and moving cases, and the organizations involved in them.

Status changes live only here: ``case_status_change`` (受付 → アセスメント → プラン作成 → 支援中,
rules below) and ``records.case_close`` (終結 / 見守り継続, from any status).
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
from kasane.accounts.models import CASE_ROLES, Actor, Organization
from kasane.audit.models import Basis
from kasane.audit.services import change_record, snapshot
from kasane.core import messages as texts
from kasane.core.ids import as_id
from kasane.core.locking import check_version
from kasane.core.wareki import format_wareki
from kasane.people.models import Purpose
from kasane.people.selectors import consent_current_for

from .. import policy as case_policy
from ..models import (
    Case,
    CaseSubject,
    EventKind,
    Involvement,
    InvolvementRole,
    Status,
    Triage,
)
from .common import check_tags, event, tenant_org

MANUAL_STATUSES = (Status.INTAKE, Status.ASSESSMENT, Status.PLANNING, Status.SUPPORTING)


def involvement_ensure(*, actor: Actor, case: Case, organization: Organization, role: str,
                       basis: str, source_type: str = "", source_id: object = "") -> Involvement:
    """An active Involvement of ``organization`` (created once; never duplicated)."""
    found = case.involvements.filter(organization=organization, ended_on__isnull=True).first()
    if found is not None:
        if role == InvolvementRole.LEAD and found.role != role:
            found.role = role
            found.save(update_fields=["role"])
        return found
    inv = Involvement(case=case, municipality_id=case.municipality_id, organization=organization,
                      role=role, basis=basis,
                      source_type=source_type, source_id=str(source_id))
    inv.full_clean()
    inv.save()
    change_record(user=actor.user, instance=inv, operation="create",
                  organization_id=actor.organization_id)
    event(case, actor, EventKind.INVOLVEMENT,
          f"{organization.name} が{inv.get_role_display()}として関与（根拠: {inv.basis_label}）")
    return inv


def involvement_end(*, actor: Actor, involvement: Involvement, reason: str,
                    ended_on: dt.date | None = None) -> Involvement:
    """An organization leaves the case (its own staff, or the 主担当 org / a 推進員): the
    Involvement ends and so do the org's ``case_involvement`` grants made from this case's
    referrals and plans. The 主担当機関 cannot leave before handing 主担当 over (ケース情報の変更)."""
    case_policy.require_handler(actor)
    case = involvement.case
    if not case.involvements.filter(organization_id=actor.organization_id,
                                    ended_on__isnull=True).exists() or (
            actor.organization_id != involvement.organization_id
            and not case_policy.is_lead(actor, case)):
        raise PermissionDenied("関与を終了できるのは、その機関の職員、主担当機関の職員または推進員です。")
    reason = (reason or "").strip()
    day = ended_on or timezone.localdate()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "関与を終了する理由を入力してください。"
    if day > timezone.localdate():
        errors["ended_on"] = texts.FUTURE_DATE
    elif day < involvement.started_on:
        errors["ended_on"] = f"関与の開始日（{format_wareki(involvement.started_on)}）より前の日付です。"
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
        sources: list[tuple[str, object]] = [("referral", pk) for pk in case.referrals.values_list("pk", flat=True)]
        sources += [("plan", pk) for pk in case.plans.values_list("pk", flat=True)]
        access_services.grants_end_from(
            actor=actor, sources=sources, organization_id=locked.organization_id,
            person_ids=case.subjects.values_list("person_id", flat=True),
            reason=f"ケース#{case.pk}への関与を終了：{reason}")
        event(locked.case, actor, EventKind.INVOLVEMENT,
              f"{locked.organization.name} が関与を終了（{format_wareki(day)}）：{reason}")
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    return locked


def grant_case_involvement(*, actor: Actor, case: Case, organization: Organization,
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
        if only_with_consent and consent_current_for(
                person, organization, Purpose.INFORMATION_SHARING) is None:
            continue
        access_services.grant_create(actor=actor, person=person, basis=Basis.CASE_INVOLVEMENT,
                                     organization=organization, source_type=source_type,
                                     source_id=source_id)
        count += 1
    return count


# --- Case ---------------------------------------------------------------------------------

def case_open(*, actor: Actor, person_ids: Iterable[Any], summary: str, triage: str = "",
              tags: Iterable[str] | None = None, primary_id: Any = None,
              source_sheet_record_id: int | None = None) -> Case:
    """Open a case (受付) for persons the actor may see; the actor's org is 主担当 (own_record)."""
    case_policy.require_handler(actor)
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
        Involvement.objects.create(case=case, municipality_id=case.municipality_id,
                                   organization=actor.organization,
                                   role=InvolvementRole.LEAD, basis=Basis.OWN_RECORD,
                                   source_type="case", source_id=str(case.pk))
    return case


def case_update(*, actor: Actor, case: Case, expected_version: int | None, summary: str,
                triage: str = "", tags: Iterable[str] | None = None,
                lead_org_id: Any = None, lead_user_id: Any = None) -> Case:
    """Edit summary, 分類, 事業 and 主担当 with optimistic locking."""
    from kasane.accounts.models import User

    case_policy.require_handler(actor)
    errors: dict[str, str] = {}
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = "相談の概要を入力してください。"
    if triage and triage not in Triage.values:
        errors["triage"] = "分類は①〜④から選んでください。"
    tag_list = check_tags(tags)
    lead_org = tenant_org(actor, lead_org_id, "lead_org", case_staff=True) if lead_org_id else case.lead_org
    if not case.involvements.filter(organization=lead_org, ended_on__isnull=True).exists():
        errors["lead_org"] = "主担当機関は、このケースに関与している機関から選んでください。"
    lead_user = None
    if lead_user_id:
        lead_user = User.objects.filter(pk=as_id(lead_user_id), memberships__organization=lead_org,
                                        memberships__is_active=True,
                                        memberships__role__in=CASE_ROLES).first()
        if lead_user is None:
            errors["lead_user"] = "主担当者は主担当機関の職員から選んでください。"
    if not errors.get("lead_org") and (lead_org.pk != case.lead_org_id or (
            lead_user.pk if lead_user else None) != case.lead_user_id) and not case_policy.is_lead(actor, case):
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


def case_status_change(*, actor: Actor, case: Case, to_status: str, note: str = "",
                       expected_version: int | None = None, confirm_back: bool = False) -> Case:
    """Move an open case by hand. FORWARD (``Case.next_statuses``): to any later status — 受付 →
    アセスメント / プラン作成, アセスメント → プラン作成, → 支援中 only with an approved support plan.
    BACK (``Case.earlier_statuses``, e.g. 支援中 → 受付) only as an explicit choice: a reason
    (``note``) and ``confirm_back=True`` (the screen's confirmation checkbox) are required, so a
    stale or mistaken select can never move a case backwards. 終結 and 見守り継続 only through
    ``case_close``; a closed case does not move."""
    case_policy.require_handler(actor)
    if not case_policy.is_lead(actor, case):
        raise PermissionDenied("状態を変更できるのは主担当機関の職員または推進員です。")
    if to_status in (Status.CLOSED, Status.WATCHING):
        raise ValidationError({"to_status": "終結は「終結」の画面から、理由と評価を記録して行ってください。"})
    if to_status not in MANUAL_STATUSES:
        raise ValidationError({"to_status": "一覧から状態を選んでください。"})
    note = (note or "").strip()
    with transaction.atomic():
        locked = check_version(case, expected_version)
        if not locked.is_open:
            raise ValidationError({"to_status": f"{locked.get_status_display()}のケースの状態は変更できません。"})
        if locked.status == to_status:
            raise ValidationError({"to_status": "すでにその状態です。"})
        backward = to_status in locked.earlier_statuses
        if backward:
            errors: dict[str, str] = {}
            if not note:
                errors["note"] = "前の状態に戻す理由を入力してください。"
            if not confirm_back:
                errors["confirm_back"] = "前の状態に戻すことを確認し、チェックを入れてください。"
            if errors:
                raise ValidationError(errors)
        elif to_status not in locked.next_statuses:
            raise ValidationError({"to_status": "承認された支援プランがないため「支援中」にできません。"})
        before = snapshot(locked)
        from_status = locked.status
        locked.status = to_status
        locked.lock_version += 1
        locked.save(update_fields=["status", "lock_version", "updated_at"])
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      organization_id=actor.organization_id, reason=note)
        labels = dict(Status.choices)
        event(locked, actor, EventKind.STATUS,
              f"{labels[from_status]} → {labels[to_status]}{'（前の状態に戻す）' if backward else ''}"
              f"{'：' + note if note else ''}",
              from_status=from_status, to_status=to_status)
    return locked


def case_assessment_set(*, actor: Actor, case: Case, record_id: int, triage: str, title: str,
                        link: str = "") -> Case:
    """The case's assessment is the インテーク・アセスメント sheet ``record_id`` (its 分類 becomes
    the case's); involved staff only; a timeline entry links to the sheet. Setting the same
    record again changes nothing but the 分類."""
    case_policy.require_handler(actor)
    case_policy.require_involved(actor, case, "このケースに関与している機関の職員だけが記録できます。")
    if not case.is_open:
        raise ValidationError({"triage": f"{case.get_status_display()}のケースにはアセスメントを記録できません。"})
    if triage and triage not in Triage.values:
        raise ValidationError({"triage": "分類は①〜④から選んでください。"})
    with transaction.atomic():
        locked = check_version(case, None)
        before = snapshot(locked)
        again = locked.assessment_record_id == record_id
        locked.assessment_record_id = record_id
        if triage:
            locked.triage = triage
        locked.lock_version += 1
        locked.save(update_fields=["assessment_record_id", "triage", "lock_version", "updated_at"])
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      organization_id=actor.organization_id, reason="アセスメント")
        if not again:
            event(locked, actor, EventKind.SHEET, f"アセスメント：{title}", link=link)
    return locked
