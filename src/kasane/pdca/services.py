"""Every PDCA write: policy check → transaction.atomic → full_clean/write → audit row.

PDCA data is not personal data; every write still leaves an AccessLog row (basis ``none``)
and a ChangeRecord (field diff, with the reason when one is required). A write after 公表
(事務局 + reason) creates a new edition with the reason as its 正誤 note.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kasane.accounts.models import Membership, Unit
from kasane.audit.models import Basis
from kasane.audit.services import access_log, change_record, snapshot

from . import binding
from . import policy as pdca_policy
from .models import (
    STATE_ORDER,
    AnnualTarget,
    CommitteeOpinion,
    CycleState,
    CycleTransition,
    Edition,
    Evaluation,
    PdcaCycle,
    PlanNode,
    ProgressPair,
    ResultSource,
    TargetKind,
)


def _audit(actor: Membership, action: str, instance: Any, operation: str,
           before: dict[str, Any] | None, reason: str = "", detail: str = "") -> None:
    access_log(user=actor.user, action=f"pdca.{action}", basis=Basis.NOT_PERSONAL,
               organization_id=actor.organization_id, object_type=instance._meta.label,
               object_id=instance.pk, detail=(detail or reason)[:500])
    change_record(user=actor.user, instance=instance, operation=operation, before=before,
                  after=snapshot(instance, _fields(instance)) if operation != "delete" else {},
                  organization_id=actor.organization_id, reason=reason)


def _fields(instance: Any) -> list[str]:
    return [f.attname for f in instance._meta.concrete_fields if f.name != "snapshot"]


def cycle_for(node: PlanNode, fiscal_year: int) -> PdcaCycle:
    cycle = PdcaCycle.objects.filter(municipality_id=node.plan.municipality_id,
                                     fiscal_year=fiscal_year).first()
    if cycle is None:
        raise ValidationError("この年度の進捗管理（PDCAサイクル）がまだ作られていません。")
    return cycle


def _after_write(actor: Membership, cycle: PdcaCycle, reason: str) -> None:
    if cycle.state == CycleState.PUBLISHED:
        edition_create(actor=actor, cycle=cycle, correction_note=reason)


@transaction.atomic
def target_record_result(*, actor: Membership, target: AnnualTarget, achieved: bool | None,
                         actual_value: Decimal | None = None, note: str = "",
                         reason: str = "") -> AnnualTarget:
    """A 担当課 (or 事務局) enters the result of one target. Numeric targets derive 達成."""
    cycle = cycle_for(target.business, target.fiscal_year)
    pdca_policy.check_edit_business(actor, target.business, cycle, reason=reason)
    target = AnnualTarget.objects.select_for_update().get(pk=target.pk)
    before = snapshot(target)
    if binding.is_bound(target):  # typing over a metric result is an override with a reason
        if not (reason.strip() or note.strip()):
            raise ValidationError({"note": "この目標の実績は統計から自動で入ります。手入力で"
                                           "上書きする場合は理由を入力してください。"})
        target.result_source = ResultSource.MANUAL
        note = note.strip() or reason.strip()
    target.achieved = achieved
    target.actual_value = actual_value
    target.result_note = note
    target.derive_achieved()
    target.full_clean()
    target.save()
    _audit(actor, "target.result", target, "update", before, reason)
    _after_write(actor, cycle, reason)
    return target


@transaction.atomic
def target_save(*, actor: Membership, target: AnnualTarget, reason: str = "") -> AnnualTarget:
    """事務局 fixes a year's targets (create or change, incl. 取下げ with reason)."""
    cycle = cycle_for(target.business, target.fiscal_year)
    pdca_policy.check_targets(actor, cycle, reason=reason)
    pdca_policy.same_tenant(actor, target.business.plan.municipality_id)
    creating = target.pk is None
    before = {} if creating else snapshot(AnnualTarget.objects.get(pk=target.pk))
    if creating and target.kind == TargetKind.NUMERIC and target.business.source.indicator_metric:
        target.result_source = ResultSource.METRIC  # bound: the result comes from the metric
    target.derive_achieved()
    target.full_clean()
    target.save()
    _audit(actor, "target.save", target, "create" if creating else "update", before, reason)
    _after_write(actor, cycle, reason)
    return target


@transaction.atomic
def progress_pair_save(*, actor: Membership, business: PlanNode, fiscal_year: int,
                       pair: ProgressPair | None = None, unit: Unit | None = None,
                       do_text: str = "", act_text: str = "", reason: str = "") -> ProgressPair:
    business = business.source
    cycle = cycle_for(business, fiscal_year)
    pdca_policy.check_edit_business(actor, business, cycle, reason=reason)
    if unit is not None and unit.pk not in {u.pk for u in business.units.all()}:
        raise ValidationError({"unit": "この事業の担当課から選んでください。"})
    if pair is None:
        pair = ProgressPair(business=business, fiscal_year=fiscal_year,
                            order=business.progress.filter(fiscal_year=fiscal_year).count())
        before: dict[str, Any] = {}
    else:
        if pair.business_id != business.pk or pair.fiscal_year != fiscal_year:
            raise PermissionDenied("別の事業の記録は変更できません。")
        before = snapshot(pair)
    pair.unit = unit
    pair.do_text = do_text.strip()
    pair.act_text = act_text.strip()
    pair.full_clean()
    pair.save()
    _audit(actor, "progress.save", pair, "update" if before else "create", before, reason)
    _after_write(actor, cycle, reason)
    return pair


@transaction.atomic
def progress_pair_delete(*, actor: Membership, pair: ProgressPair, reason: str = "") -> None:
    cycle = cycle_for(pair.business, pair.fiscal_year)
    pdca_policy.check_edit_business(actor, pair.business, cycle, reason=reason)
    before = snapshot(pair)
    _audit(actor, "progress.delete", pair, "delete", before, reason)
    pair.delete()
    _after_write(actor, cycle, reason)


@transaction.atomic
def evaluation_override(*, actor: Membership, node: PlanNode, fiscal_year: int, grade: str,
                        reason: str, check_text: str | None = None) -> Evaluation:
    """事務局 sets (or with grade "" clears) the grade override of a graded node; a reason is
    mandatory for an override."""
    cycle = cycle_for(node, fiscal_year)
    pdca_policy.check_override(actor, cycle)
    pdca_policy.same_tenant(actor, node.plan.municipality_id)
    if node.depth != node.plan.graded_level or node.is_business:
        raise ValidationError("評価を付ける階層の施策ではありません。")
    if grade and grade not in {g for g, _, _ in node.plan.scale()}:
        raise ValidationError({"grade": "この計画の評価の段階から選んでください。"})
    ev, created = Evaluation.objects.select_for_update().get_or_create(
        node=node, fiscal_year=fiscal_year)
    before = {} if created else snapshot(ev)
    ev.override_grade = grade
    ev.override_reason = reason.strip() if grade else ""
    if check_text is not None:
        ev.check_text = check_text.strip()
    ev.overridden_by = actor.user if grade else None
    ev.overridden_at = timezone.now() if grade else None
    ev.full_clean()
    ev.save()
    _audit(actor, "grade.override", ev, "update" if before else "create", before, reason.strip())
    return ev


@transaction.atomic
def opinion_add(*, actor: Membership, node: PlanNode, fiscal_year: int, text: str,
                meeting_label: str = "") -> CommitteeOpinion:
    cycle = cycle_for(node, fiscal_year)
    pdca_policy.check_opinion(actor, cycle)
    if not text.strip():
        raise ValidationError({"text": "意見を入力してください。"})
    opinion = CommitteeOpinion(node=node, fiscal_year=fiscal_year, text=text.strip(),
                               meeting_label=meeting_label.strip() or cycle.get_state_display(),
                               author=actor.user)
    opinion.full_clean()
    opinion.save()
    _audit(actor, "opinion.add", opinion, "create", {})
    return opinion


@transaction.atomic
def opinion_respond(*, actor: Membership, opinion: CommitteeOpinion, response: str,
                    reason: str = "") -> CommitteeOpinion:
    """How last year's opinion is reflected (次年度の施策の実施に反映), written in the next
    cycle's self-evaluation by the 担当課 of a business below the node, or by 事務局."""
    next_cycle = PdcaCycle.objects.filter(municipality_id=opinion.node.plan.municipality_id,
                                          fiscal_year=opinion.fiscal_year + 1).first()
    if next_cycle is None:
        raise ValidationError("次年度の進捗管理がまだ作られていません。")
    if not pdca_policy.is_secretariat(actor):
        businesses = [opinion.node] if opinion.node.is_business else list(
            PlanNode.objects.filter(plan=opinion.node.plan, is_business=True,
                                    code__startswith=f"{opinion.node.code}-"))
        if not any(pdca_policy.may_edit_business(actor, b, next_cycle) for b in businesses):
            raise PermissionDenied("この意見への対応は、関係する担当課か事務局が入力します。")
    else:
        pdca_policy.require_reason(next_cycle, reason)
    before = snapshot(opinion)
    opinion.response_next_year = response.strip()
    opinion.save(update_fields=["response_next_year"])
    _audit(actor, "opinion.respond", opinion, "update", before, reason)
    return opinion


def open_targets(cycle: PdcaCycle) -> list[dict[str, Any]]:
    from .report import build_report

    report = build_report(cycle, live=False)
    return [dict(t, plan=p["short_name"]) for p in report["plans"] for t in p["open_targets"]]


@transaction.atomic
def cycle_transition(*, actor: Membership, cycle: PdcaCycle, to_state: str,
                     reason: str = "", confirm_back: bool = False) -> PdcaCycle:
    """Move the yearly workflow one step on, or back as an explicit choice: a reason and
    ``confirm_back`` (the screen's confirmation checkbox). Moving to 委員会① is refused while
    results are 未入力; 公表 freezes an edition."""
    pdca_policy.require_secretariat(actor)
    pdca_policy.same_tenant(actor, cycle.municipality_id)
    cycle = PdcaCycle.objects.select_for_update().get(pk=cycle.pk)
    if to_state not in STATE_ORDER:
        raise ValidationError({"to_state": "存在しない段階です。"})
    current, target = STATE_ORDER.index(cycle.state), STATE_ORDER.index(to_state)
    if target == current:
        raise ValidationError({"to_state": "すでにこの段階です。"})
    if target > current + 1:
        raise ValidationError({"to_state": "段階は一つずつ進めてください。"})
    if target < current:
        errors: dict[str, str] = {}
        if not reason.strip():
            errors["reason"] = "前の段階に戻すときは理由を入力してください。"
        if not confirm_back:
            errors["confirm_back"] = "前の段階に戻すことを確認し、チェックを入れてください。"
        if errors:
            raise ValidationError(errors)
    if to_state == CycleState.COMMITTEE_1 and target > current:
        _persist_bound(actor, cycle)
        gaps = open_targets(cycle)
        if gaps:
            listed = "、".join(f"{g['plan']} {g['code']}「{g['text']}」" for g in gaps[:5])
            more = f" ほか{len(gaps) - 5}件" if len(gaps) > 5 else ""
            raise ValidationError(
                {"to_state": f"実績が未入力の目標が{len(gaps)}件あります: {listed}{more}"})
    if not cycle.plans.exists():
        raise ValidationError({"to_state": "評価する計画が登録されていません。"})
    _persist_bound(actor, cycle)
    before = snapshot(cycle)
    transition = CycleTransition.objects.create(cycle=cycle, from_state=cycle.state,
                                                to_state=to_state, reason=reason.strip(),
                                                by=actor.user)
    cycle.state = to_state
    cycle.save(update_fields=["state", "updated_at"])
    _audit(actor, "cycle.transition", cycle, "update", before, reason.strip(),
           detail=f"{transition.from_state} → {to_state} {reason.strip()}")
    if to_state == CycleState.PUBLISHED:
        edition_create(actor=actor, cycle=cycle,
                       correction_note="" if not cycle.editions.exists() else reason.strip())
    return cycle


def _persist_bound(actor: Membership, cycle: PdcaCycle) -> None:
    """Write the bound targets' metric results (binding.persist), each change audited."""
    for target in binding.persist(cycle):
        _audit(actor, "target.metric", target, "update", None, "統計から実績を更新")


@transaction.atomic
def edition_create(*, actor: Membership, cycle: PdcaCycle, correction_note: str = "") -> Edition:
    from .report import build_report

    pdca_policy.require_secretariat(actor)
    number = (cycle.editions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    if number > 1 and not correction_note.strip():
        raise ValidationError({"reason": "第2版以降には正誤（訂正の内容）を記載してください。"})
    _persist_bound(actor, cycle)
    snap = build_report(cycle)
    snap["edition"] = number
    snap["edition_note"] = correction_note.strip()
    snap["frozen_at"] = timezone.now().isoformat()
    edition = Edition.objects.create(cycle=cycle, number=number, snapshot=snap,
                                     correction_note=correction_note.strip(),
                                     created_by=actor.user)
    _audit(actor, "edition.create", edition, "create", {}, correction_note.strip(),
           detail=f"第{number}版")
    return edition
