"""Retention operations: periods, legal holds, the purge (dry run first).

Order as everywhere: policy check → ``transaction.atomic`` → write → audit row. The purge
anonymises (``anonymise.Anonymiser``), never deletes an audit row, and records a
``PurgeRun`` with its counts; the seal chain (``audit.sealing``) is untouched, so
``./kasane verify_audit`` stays 0 after a purge.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kasane.accounts.models import Actor, Municipality, User
from kasane.audit import services as audit
from kasane.audit.models import Basis
from kasane.cases.models import Case
from kasane.core.ids import as_id
from kasane.people.models import Person

from . import policy
from .anonymise import Anonymiser
from .models import LegalHold, PurgedRecord, PurgeRun, RecordType, RetentionPolicy
from .selectors import PurgePlan, purge_plan

CONFIRM_MESSAGE = "廃棄は取り消せません。まず確認（--dry-run）を行い、確認したうえで --yes を付けて実行してください。"


def system_actor(municipality: Municipality) -> Any:
    """The named actor of a purge started from the command line without ``--by``."""
    return SimpleNamespace(pk=None, username="system:retention", municipality_id=municipality.pk)


def retention_policy_set(*, actor: Actor, record_type: str, years: int) -> RetentionPolicy:
    """Set the tenant's period for one record type (管理者 only)."""
    policy.require_set_periods(actor)
    if record_type not in RecordType.values:
        raise ValidationError({"record_type": "一覧から選んでください。"})
    if not 1 <= years <= 100:
        raise ValidationError({"years": "1から100までの数を入力してください。"})
    municipality = actor.organization.municipality
    with transaction.atomic():
        row = RetentionPolicy.objects.filter(municipality=municipality, record_type=record_type).first()
        before = {"years": row.years} if row else {}
        row = row or RetentionPolicy(municipality=municipality, record_type=record_type)
        row.years = years
        row.updated_by = actor.user
        row.full_clean()
        row.save()
        audit.change_record(user=actor.user, instance=row, operation="update" if before else "create",
                            before=before, after={"record_type": record_type, "years": years},
                            organization_id=actor.organization_id)
    return row


def legal_hold_set(*, actor: Actor, reason: str, person_id: Any = None,
                   case_id: Any = None) -> LegalHold:
    """Hold a person or a case of the actor's tenant (by id; a "not found" message for an id
    of another tenant, a nonexistent one or no id at all)."""
    policy.require_manage(actor)
    person_id = None if person_id is None else as_id(person_id)
    case_id = None if case_id is None else as_id(case_id)
    municipality = actor.organization.municipality
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if len(reason) < 5:
        errors["reason"] = "理由を5文字以上で入力してください。"
    if (person_id is None) == (case_id is None):
        errors["target"] = "本人番号かケース番号のどちらか一方を入力してください。"
    elif person_id is not None and not Person.objects.filter(pk=person_id, municipality=municipality).exists():
        errors["person_id"] = "この番号の本人は見つかりません。"
    elif case_id is not None and not Case.objects.filter(pk=case_id, municipality=municipality).exists():
        errors["case_id"] = "この番号のケースは見つかりません。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        hold = LegalHold.objects.create(municipality=municipality, person_id=person_id, case_id=case_id,
                                        reason=reason, created_by=actor.user)
        audit.change_record(user=actor.user, instance=hold, operation="create",
                            organization_id=actor.organization_id)
    return hold


def legal_hold_release(*, actor: Actor, hold_id: Any, reason: str) -> LegalHold:
    """End a hold (with a reason); the records then follow their periods again."""
    policy.require_manage(actor)
    hold_id = as_id(hold_id)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"release_reason": "理由を5文字以上で入力してください。"})
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().filter(
            pk=hold_id, municipality=actor.organization.municipality, released_at__isnull=True).first()
        if hold is None:
            raise ValidationError("この保存の継続は見つからないか、すでに解除されています。")
        hold.released_at = timezone.now()
        hold.released_by = actor.user
        hold.release_reason = reason
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
        audit.change_record(user=actor.user, instance=hold, operation="update",
                            before={"released_at": None},
                            after={"released_at": hold.released_at.isoformat(), "release_reason": reason},
                            organization_id=actor.organization_id)
    return hold


def _report(plan: PurgePlan) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    expiring = {t: plan.ids(t) for t in RecordType.values}
    expiring["case_sheet"] = sorted(s for ids in plan.case_sheets.values() for s in ids)
    held = {t: [c.object_id for c in plan.held.get(t, [])] for t in RecordType.values}
    return expiring, held


def purge_execute(*, municipality: Municipality, user: User | None = None, dry_run: bool = True,
                  confirm: bool = False, as_of: dt.date | None = None) -> tuple[PurgeRun, PurgePlan]:
    """Run the purge for one tenant. ``dry_run``: record the report only. Otherwise
    ``confirm`` must be true; every expiring record is anonymised in one transaction, each
    changed row gets a ChangeRecord, each purged case/sheet/person an AccessLog row
    (``retention.purge``), and the run its counts."""
    if not dry_run and not confirm:
        raise ValidationError(CONFIRM_MESSAGE)
    actor: Any = user or system_actor(municipality)
    with transaction.atomic():
        plan = purge_plan(municipality=municipality, as_of=as_of)
        expiring, held = _report(plan)
        run = PurgeRun.objects.create(
            municipality=municipality, dry_run=dry_run, started_by=user,
            started_by_name=actor.username, as_of=plan.as_of, expiring=expiring, held=held,
            counts={k: len(v) for k, v in expiring.items()})
        if not dry_run:
            run.counts = _anonymise(run, plan, actor)
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "finished_at"])
        audit.access_log(user=actor, action="retention.dry_run" if dry_run else "retention.run",
                         basis=Basis.NOT_PERSONAL, object_type="retention.PurgeRun",
                         object_id=run.pk, detail=counts_text(run.counts))
    return run, plan


def _anonymise(run: PurgeRun, plan: PurgePlan, actor: Any) -> dict[str, int]:
    work = Anonymiser(actor=actor, reason=f"保存期間経過による匿名化（廃棄処理 #{run.pk}）")
    marks: list[PurgedRecord] = []
    entries: list[tuple[str, object, int | None, str]] = []
    for case_id in plan.ids(RecordType.CASE):
        work.case(case_id)
        for sheet_id in plan.case_sheets.get(case_id, []):
            work.sheet(sheet_id)
            marks.append(PurgedRecord(run=run, record_type=RecordType.SHEET, object_id=sheet_id))
        marks.append(PurgedRecord(run=run, record_type=RecordType.CASE, object_id=case_id))
        entries.append(("cases.Case", case_id, None, Basis.OWN_RECORD))
    for sheet_id in plan.ids(RecordType.SHEET):
        work.sheet(sheet_id)
        marks.append(PurgedRecord(run=run, record_type=RecordType.SHEET, object_id=sheet_id))
        entries.append(("sheets.SheetRecord", sheet_id, None, Basis.OWN_RECORD))
    for person_id in plan.ids(RecordType.PERSON):
        work.person(person_id)
        marks.append(PurgedRecord(run=run, record_type=RecordType.PERSON, object_id=person_id))
        entries.append(("people.Person", person_id, person_id, Basis.OWN_RECORD))
    PurgedRecord.objects.bulk_create(marks)
    if entries:
        audit.access_log_many(user=actor, action="retention.purge", entries=entries,
                              detail=f"廃棄処理 #{run.pk}")
    return dict(sorted(work.counts.items()))


COUNT_LABELS = {
    "case": "ケース", "contact": "支援記録", "referral": "つなぎ", "plan": "プラン",
    "monitoring": "モニタリング", "closure": "終結", "case_event": "経過", "agenda_item": "議題",
    "decision": "決定", "alert": "緊急案件", "sheet": "帳票", "case_sheet": "ケースの帳票",
    "attachment": "添付ファイル", "person": "本人", "consent": "本人同意",
    "household_member": "世帯の構成",
}


def counts_text(counts: dict[str, int]) -> str:
    return "、".join(f"{COUNT_LABELS.get(k, k)} {v}件" for k, v in counts.items() if v) or "対象なし"
