"""Writes of contacts (支援記録), support plans (+ monitoring) and closures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kasane.accounts.models import CASE_ROLES, Actor, User
from kasane.audit.models import Basis
from kasane.audit.services import change_record, snapshot
from kasane.core import messages as texts
from kasane.core.ids import as_id
from kasane.core.locking import check_version
from kasane.core.wareki import format_wareki

from .. import policy as case_policy
from ..models import (
    OPEN_REFERRAL_STATUSES,
    Case,
    Closure,
    ClosureReason,
    Contact,
    EventKind,
    GoalResult,
    InvolvementRole,
    Method,
    Monitoring,
    PlanStatus,
    Stage,
    Status,
    SupportPlan,
)
from .cases import grant_case_involvement, involvement_ensure
from .common import check_tags, event, tenant_org

# foreign keys a new contact takes from loaded rows (full_clean need not query them)
LOADED_REFERENCES = ["case", "municipality", "author", "organization"]
CONTACT_FIELDS = ("at", "method", "reached", "not_reached_reason", "stage", "summary", "minutes",
                  "tags", "next_action", "next_due_on")


def _involved(actor: Actor, case: Case) -> None:
    case_policy.require_handler(actor)
    case_policy.require_involved(actor, case, "このケースに関与している機関の職員だけが記録できます。")


def _check_contact(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out = {name: data.get(name) for name in CONTACT_FIELDS}
    at = out["at"]
    if not isinstance(at, dt.datetime):
        errors["at"] = "日時を入力してください。"
    else:
        if timezone.is_naive(at):
            out["at"] = at = timezone.make_aware(at)
        if at > timezone.now() + dt.timedelta(minutes=5):
            errors["at"] = "未来の日時は記録できません。"
    if out["method"] not in Method.values:
        errors["method"] = "方法を選んでください。"
    out["reached"] = bool(out["reached"])
    out["not_reached_reason"] = (out["not_reached_reason"] or "").strip()
    if out["reached"]:
        out["not_reached_reason"] = ""
    out["stage"] = out["stage"] or ""
    if out["stage"] and out["stage"] not in Stage.values:
        errors["stage"] = "関係の段階のコードが正しくありません。"
    out["summary"] = (out["summary"] or "").strip()
    if not out["summary"]:
        errors["summary"] = "内容を入力してください（会えなかった訪問も、その状況を記録します）。"
    minutes = out["minutes"]
    if minutes is not None and (not isinstance(minutes, int) or not 0 <= minutes <= 1440):
        errors["minutes"] = "所要時間は0〜1440分で入力してください。"
    try:
        out["tags"] = check_tags(out["tags"])
    except ValidationError as exc:
        errors["tags"] = exc.message_dict["tags"][0]
    out["next_action"] = (out["next_action"] or "").strip()
    if out["next_due_on"] and not out["next_action"]:
        errors["next_action"] = "期日を入れる場合は次の対応を入力してください。"
    if errors:
        raise ValidationError(errors)
    return out


def contact_record(*, actor: Actor, case: Case, data: Mapping[str, Any]) -> Contact:
    """支援記録 (a failed attempt is a contact with reached=False). The case, the author and
    the organization are rows already loaded (the read-checked case, the acting membership),
    so ``full_clean`` does not look them up again."""
    _involved(actor, case)
    values = _check_contact(data)
    contact = Contact(case=case, municipality_id=case.municipality_id, author=actor.user,
                      organization=actor.organization, **values)
    with transaction.atomic():
        contact.full_clean(exclude=LOADED_REFERENCES)
        contact.save()
        change_record(user=actor.user, instance=contact, operation="create",
                      organization_id=actor.organization_id)
        text = f"{contact.get_method_display()}{'' if contact.reached else '（不在・会えず）'}：{contact.summary}"
        event(case, actor, EventKind.CONTACT, text, contact=contact, at=contact.at)
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    return contact


def contact_update(*, actor: Actor, contact: Contact, data: Mapping[str, Any],
                   expected_version: int | None) -> Contact:
    """Edit a contact of one's own organization; a stale version raises Conflict."""
    _involved(actor, contact.case)
    if contact.organization_id != actor.organization_id:
        raise PermissionDenied("他機関の支援記録は変更できません。")
    values = _check_contact(data)
    with transaction.atomic():
        locked = check_version(contact, expected_version)
        before = snapshot(locked)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.lock_version += 1
        locked.full_clean()
        locked.save()
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      organization_id=actor.organization_id)
        event(locked.case, actor, EventKind.CONTACT, f"支援記録を修正（{format_wareki(timezone.localtime(locked.at).date())}）",
              contact=locked)
    return locked


# --- Support plan --------------------------------------------------------------------------

def _check_plan(actor: Actor, case: Case, goals: Iterable[str], tasks: Iterable[Mapping[str, Any]],
                lead_org_id: Any, lead_user_id: Any, review_on: dt.date | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    goal_rows = [{"text": g.strip()} for g in goals if g and g.strip()]
    if not goal_rows:
        errors["goals"] = "目標を1つ以上入力してください。"
    task_rows = []
    for row in tasks:
        text = (row.get("task") or "").strip()
        if not row.get("org_id") and not text:
            continue
        if not row.get("org_id") or not text:
            errors["tasks"] = "役割分担は機関と役割の両方を入力してください。"
            continue
        try:
            org = tenant_org(actor, row["org_id"], "tasks")
        except ValidationError:
            errors["tasks"] = "役割分担の機関が正しくありません。"
            continue
        task_rows.append({"org_id": org.pk, "org": org.name, "task": text,
                          "frequency": (row.get("frequency") or "").strip()})
    lead_org = lead_user = None
    if not lead_org_id:
        errors["lead_org"] = "主担当機関を選んでください。主担当のないプランは作れません。"
    else:
        try:
            lead_org = tenant_org(actor, lead_org_id, "lead_org", case_staff=True)
        except ValidationError as exc:
            errors["lead_org"] = exc.message_dict["lead_org"][0]
    if not lead_user_id:
        errors["lead_user"] = "主担当者を選んでください。主担当のないプランは作れません。"
    elif lead_org is not None:
        lead_user = User.objects.filter(
            pk=as_id(lead_user_id), memberships__organization=lead_org,
            memberships__is_active=True, memberships__role__in=CASE_ROLES).first()
        if lead_user is None:
            errors["lead_user"] = "主担当者は主担当機関の職員から選んでください。"
    if review_on is None:
        errors["review_on"] = "見直し予定日を入力してください。"
    elif review_on < timezone.localdate():
        errors["review_on"] = "見直し予定日が過去の日付です。"
    if lead_org is not None and not errors.get("lead_org") and not case.involvements.filter(
            organization=lead_org, ended_on__isnull=True).exists() \
            and lead_org.pk not in {t["org_id"] for t in task_rows}:
        errors["lead_org"] = "主担当機関は関与機関か、役割分担に記載した機関から選んでください。"
    if errors:
        raise ValidationError(errors)
    return {"goals": goal_rows, "tasks": task_rows, "lead_org": lead_org, "lead_user": lead_user,
            "review_on": review_on}


def plan_create(*, actor: Actor, case: Case, goals: Iterable[str],
                tasks: Iterable[Mapping[str, Any]], lead_org_id: Any, lead_user_id: Any,
                review_on: dt.date | None) -> SupportPlan:
    """A new plan version (案). The previous versions stay as history."""
    _involved(actor, case)
    if not case.is_open:
        raise ValidationError({"goals": f"{case.get_status_display()}のケースにはプランを作れません。"})
    values = _check_plan(actor, case, list(goals), list(tasks), lead_org_id, lead_user_id,
                         review_on)
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        number = (case.plans.aggregate(n=Max("version"))["n"] or 0) + 1
        plan = SupportPlan(case=case, version=number, created_by=actor.user, **values)
        plan.full_clean()
        plan.save()
        change_record(user=actor.user, instance=plan, operation="create",
                      organization_id=actor.organization_id)
        event(case, actor, EventKind.PLAN, f"支援プラン 第{number}版（案）を作成", plan=plan)
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    return plan


def plan_update(*, actor: Actor, plan: SupportPlan, goals: Iterable[str],
                tasks: Iterable[Mapping[str, Any]], lead_org_id: Any, lead_user_id: Any,
                review_on: dt.date | None, expected_version: int | None) -> SupportPlan:
    """Edit a draft; an approved plan changes only through a new version."""
    _involved(actor, plan.case)
    values = _check_plan(actor, plan.case, list(goals), list(tasks), lead_org_id, lead_user_id,
                         review_on)
    with transaction.atomic():
        locked = check_version(plan, expected_version)
        if locked.status != PlanStatus.DRAFT:
            raise ValidationError({"goals": "承認済みのプランは変更できません。新しい版を作ってください。"})
        before = snapshot(locked)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.lock_version += 1
        locked.full_clean()
        locked.save()
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      organization_id=actor.organization_id)
        event(locked.case, actor, EventKind.PLAN, f"支援プラン 第{locked.version}版（案）を修正",
              plan=locked)
    return locked


def plan_approve(*, actor: Actor, plan: SupportPlan, approved_on: dt.date | None = None,
                 expected_version: int | None = None, where: str = "",
                 link: str = "", meeting_id: int | None = None) -> SupportPlan:
    """Approve a plan. Orgs named in it become involved; they get case_involvement grants only
    where a valid consent names them. ``where``/``link``/``meeting_id`` name the 重層的支援会議
    whose decision it was (shown in the case timeline and kept on the plan)."""
    case = plan.case
    _involved(actor, case)
    if not case_policy.is_lead(actor, case):
        raise PermissionDenied("プランを承認できるのは主担当機関の職員または推進員です。")
    day = approved_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"approved_on": texts.at("承認日", texts.FUTURE_DATE)})
    with transaction.atomic():
        locked = check_version(plan, expected_version)
        if locked.status == PlanStatus.APPROVED:
            raise ValidationError({"status": "このプランは承認済みです。"})
        before = snapshot(locked)
        locked.status, locked.approved_on, locked.approved_by = PlanStatus.APPROVED, day, actor.user
        locked.meeting_id = meeting_id
        locked.lock_version += 1
        locked.save()
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      organization_id=actor.organization_id)
        event(case, actor, EventKind.PLAN,
              f"支援プラン 第{locked.version}版を承認{'（' + where + '）' if where else ''}",
              plan=locked, link=link)
        org_ids = [locked.lead_org_id] + [t["org_id"] for t in locked.tasks]
        from kasane.accounts.models import Organization

        for org in Organization.objects.filter(pk__in=set(org_ids)):
            existing = case.involvements.filter(organization=org, ended_on__isnull=True).exists()
            role = InvolvementRole.LEAD if org.pk == locked.lead_org_id else InvolvementRole.MEMBER
            involvement_ensure(actor=actor, case=case, organization=org, role=role,
                               basis=Basis.CASE_INVOLVEMENT, source_type="plan",
                               source_id=locked.pk)
            if not existing:
                grant_case_involvement(actor=actor, case=case, organization=org,
                                       source_type="plan", source_id=locked.pk,
                                       only_with_consent=True)
        c = Case.objects.select_for_update().get(pk=case.pk)
        if c.lead_org_id != locked.lead_org_id or c.lead_user_id != locked.lead_user_id:
            c.lead_org_id, c.lead_user_id = locked.lead_org_id, locked.lead_user_id
            c.lock_version += 1
            c.save(update_fields=["lead_org", "lead_user", "lock_version", "updated_at"])
    return locked


def plan_monitor(*, actor: Actor, plan: SupportPlan, on: dt.date | None, note: str,
                 evaluations: Iterable[str | None] | None = None) -> Monitoring:
    """A monitoring entry on an approved plan: date, note and one evaluation per goal
    (``evaluations`` in the plan's goal order; GoalResult codes: 達成/一部達成/未達成/継続)."""
    _involved(actor, plan.case)
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if plan.status != PlanStatus.APPROVED:
        errors["note"] = "モニタリングは承認済みのプランに記録します。"
    elif plan.case.status == Status.CLOSED:
        errors["note"] = "終結したケースのプランにはモニタリングを記録できません。"
    if not note:
        errors["note"] = errors.get("note") or "モニタリングの内容を入力してください。"
    if on is None or on > timezone.localdate():
        errors["on"] = "日付を今日以前で入力してください。"
    elif plan.approved_on and on < plan.approved_on:
        errors["on"] = f"プランの承認日（{format_wareki(plan.approved_on)}）より前の日付です。"
    results = list(evaluations or [])
    rows = []
    for i, goal in enumerate(plan.goals):
        result = results[i] if i < len(results) else None
        if evaluations is not None and result not in GoalResult.values:
            errors[f"goal_{i}"] = f"目標「{goal['text']}」の評価を選んでください。"
        rows.append({"goal": goal["text"], "result": result or ""})
    if evaluations is None:
        rows = []
    if errors:
        raise ValidationError(errors)
    assert on is not None
    entry = Monitoring(plan=plan, on=on, note=note, author=actor.user, evaluations=rows)
    with transaction.atomic():
        entry.full_clean()
        entry.save()
        change_record(user=actor.user, instance=entry, operation="create",
                      organization_id=actor.organization_id)
        done = "、".join(f"{r['goal']}={entry.evaluation_rows[i][1]}" for i, r in enumerate(rows))
        event(plan.case, actor, EventKind.PLAN,
              f"第{plan.version}版のモニタリング：{note}{'（' + done + '）' if done else ''}", plan=plan)
        Case.objects.filter(pk=plan.case_id).update(updated_at=timezone.now())
    return entry


# --- Closure -------------------------------------------------------------------------------

def case_close(*, actor: Actor, case: Case, reason: str, evaluation: str, watch: bool = False,
               closed_on: dt.date | None = None, watch_org_id: Any = None,
               watch_method: str = "", next_check_on: dt.date | None = None,
               expected_version: int | None = None) -> Closure:
    """終結 from any open status (or end a 見守り継続). Refused while referrals are open.
    ``watch`` → 見守り継続 (status watching) with an org, a method and a next check date."""
    _involved(actor, case)
    if not case_policy.is_lead(actor, case):
        raise PermissionDenied("終結できるのは主担当機関の職員または推進員です。")
    errors: dict[str, str] = {}
    evaluation = (evaluation or "").strip()
    day = closed_on or timezone.localdate()
    if reason not in ClosureReason.values:
        errors["reason"] = "終結理由を選んでください。"
    if not evaluation:
        errors["evaluation"] = "評価（本人・世帯の変化、プロセス）を入力してください。"
    if day > timezone.localdate():
        errors["closed_on"] = texts.FUTURE_DATE
    watch_org = None
    if watch:
        if case.status == Status.WATCHING:
            errors["watch"] = "見守り継続中のケースです。見守りを終える場合は「見守り継続」を外してください。"
        watch_org = tenant_org(actor, watch_org_id, "watch_org") if watch_org_id else None
        if watch_org is None:
            errors["watch_org"] = "見守りを担当する機関を選んでください。"
        if not (watch_method or "").strip():
            errors["watch_method"] = "見守りの方法を入力してください。"
        if next_check_on is None:
            errors["next_check_on"] = "次回確認日を入力してください。"
        elif next_check_on < timezone.localdate():
            errors["next_check_on"] = "次回確認日が過去の日付です。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = check_version(case, expected_version)
        if locked.status == Status.CLOSED:
            raise ValidationError({"reason": "このケースは既に終結しています。"})
        open_refs = list(locked.referrals.filter(status__in=OPEN_REFERRAL_STATUSES)
                         .select_related("to_org"))
        if open_refs:
            names = "、".join(r.to_org.name for r in open_refs)
            raise ValidationError({"reason": f"回答待ちのつなぎ（{names}）があるため終結できません。先に取り下げるか回答を受けてください。"})
        closure = Closure(case=locked, closed_on=day, reason=reason, evaluation=evaluation,
                          watch=bool(watch), watch_org=watch_org,
                          watch_method=(watch_method or "").strip() if watch else "",
                          next_check_on=next_check_on if watch else None, created_by=actor.user)
        closure.full_clean()
        closure.save()
        before = snapshot(locked)
        from_status = locked.status
        locked.status = Status.WATCHING if watch else Status.CLOSED
        locked.lock_version += 1
        locked.save(update_fields=["status", "lock_version", "updated_at"])
        change_record(user=actor.user, instance=closure, operation="create",
                      organization_id=actor.organization_id)
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      organization_id=actor.organization_id, reason=closure.get_reason_display())
        labels = dict(Status.choices)
        event(locked, actor, EventKind.CLOSED,
              f"{labels[from_status]} → {labels[locked.status]}（{closure.get_reason_display()}）",
              from_status=from_status, to_status=locked.status)
        if watch and watch_org is not None:
            involvement_ensure(actor=actor, case=locked, organization=watch_org,
                               role=InvolvementRole.WATCH, basis=Basis.CASE_INVOLVEMENT,
                               source_type="closure", source_id=closure.pk)
    return closure
