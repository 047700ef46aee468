"""Writing a checked workbook: all or nothing, and the dry run runs this same code.

``run(actor, municipality, result, dry_run)`` writes inside one transaction; the dry run rolls
it back at the end. Model validation that fails at write time becomes a located message (sheet,
row), so a dry run that passes never fails on commit.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kasane.accounts.models import Membership, Municipality, Unit
from kasane.audit.models import Basis
from kasane.audit.services import access_log, change_record

from ..models import (
    AnnualTarget,
    CommitteeOpinion,
    Evaluation,
    Plan,
    PlanLevel,
    PlanNode,
    ProgressPair,
)
from .parse import ImportResult, PlanIn
from .sheets import Row

FIELD_COLUMNS = {"title": "名称", "code": "コード", "plan_pages": "頁", "indicator_text": "指標",
                 "indicator_metric": "統計キー", "text": "目標", "target_value": "目標値",
                 "actual_value": "実績値", "withdrawn_reason": "取下げ理由", "unit_label": "単位",
                 "do_text": "Do", "act_text": "Act", "check_text": "Check", "name": "計画名",
                 "short_name": "略称", "label": "名称"}


class _Rollback(Exception):
    pass


class _Located(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _save(obj: Any, where: Row | str, **clean: Any) -> Any:
    """full_clean + save; a ValidationError becomes messages naming the row and column."""
    try:
        obj.full_clean(**clean)
    except ValidationError as exc:
        out: list[str] = []
        for name, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            column = FIELD_COLUMNS.get(name)
            at = where.at(column) if isinstance(where, Row) else where
            out.extend(f"{at}: {e}" for e in errors)
        raise _Located(out) from None
    obj.save()
    return obj


def run(*, actor: Membership, municipality: Municipality, result: ImportResult,
        dry_run: bool) -> None:
    """Write everything (or, with ``dry_run``, write and roll back). Errors go to
    ``result.errors``; on success (not dry run) ``result.created_plans`` is filled."""
    try:
        with transaction.atomic():
            plans = _write(actor, municipality, result)
            if dry_run:
                raise _Rollback
    except _Rollback:
        return
    except _Located as exc:
        result.errors.extend(exc.messages)
        return
    result.created_plans = plans
    result.created = plans[0] if plans else None


def _write(actor: Membership, municipality: Municipality, result: ImportResult) -> list[Plan]:
    for u in result.units:
        _save(Unit(municipality=municipality, code=u["code"], name=u["name"], order=u["order"]),
              u["where"])
    units = {u.code: u for u in Unit.objects.filter(municipality=municipality)}
    made_plans: dict[str, Plan] = {}
    nodes: dict[tuple[str, str], PlanNode] = {}
    for p in result.plans:
        made_plans[p.key] = _plan(municipality, p)
    for p in result.plans:
        parent_name = p.fields["parent_name"]
        if parent_name:
            parent = next((x for x in made_plans.values() if x.name == parent_name), None) or \
                Plan.objects.filter(municipality=municipality, name=parent_name).first()
            made_plans[p.key].parent_plan = parent
            made_plans[p.key].save(update_fields=["parent_plan"])
    for p in result.plans:  # originals first (all plans), then the cross-listed rows
        _nodes(p, made_plans[p.key], units, nodes, reposts=False)
    for p in result.plans:
        _nodes(p, made_plans[p.key], units, nodes, reposts=True, book=made_plans)
    _targets(result, nodes)
    _texts(result, nodes, units, actor)
    for p in result.plans:
        plan = made_plans[p.key]
        access_log(user=actor.user, action="pdca.plan.import", basis=Basis.NOT_PERSONAL,
                   organization_id=actor.organization_id, object_type="pdca.Plan",
                   object_id=plan.pk,
                   detail=f"施策・事業 {len(p.nodes)}件、年次目標 {len(p.targets)}件")
        change_record(user=actor.user, instance=plan, operation="create",
                      organization_id=actor.organization_id, reason="Excelから取り込み")
    return list(made_plans.values())


def _plan(municipality: Municipality, p: PlanIn) -> Plan:
    fields = {k: v for k, v in p.fields.items() if k != "parent_name"}
    order = (Plan.objects.filter(municipality=municipality).count()) + 1
    plan = _save(Plan(municipality=municipality, order=order, **fields), p.where)
    for lv in p.levels:
        _save(PlanLevel(plan=plan, **lv), f"階層（{p.key}）")
    return plan  # type: ignore[no-any-return]


def _nodes(p: PlanIn, plan: Plan, units: dict[str, Unit],
           made: dict[tuple[str, str], PlanNode], *, reposts: bool,
           book: dict[str, Plan] | None = None) -> None:
    order = {n["code"]: i for i, n in enumerate(p.nodes, start=1)}
    for n in sorted(p.nodes, key=lambda n: n["depth"]):
        if bool(n["repost"]) != reposts:
            continue
        repost = _repost_target(p, n["repost"], plan, made, book) if reposts else None
        node = PlanNode(plan=plan, parent=made.get((p.key, n["parent"])), depth=n["depth"],
                        code=n["code"], number=n["number"], title=n["title"],
                        marker=n["marker"], is_priority=n["is_priority"],
                        is_business=n["is_business"], repost_of=repost,
                        plan_pages=n["plan_pages"], indicator_text=n["indicator_text"],
                        indicator_metric=n["indicator_metric"], order=order[n["code"]])
        _save(node, n["row"], validate_unique=False)
        node.units.set([units[c] for c in n["units"] or []])
        made[p.key, n["code"]] = node


def _repost_target(p: PlanIn, ref: str, plan: Plan, made: dict[tuple[str, str], PlanNode],
                   book: dict[str, Plan] | None) -> PlanNode | None:
    other, _, code = ref.rpartition(":")
    other, code = other.strip(), code.strip()
    if not other:
        return made.get((p.key, code))
    for key, book_plan in (book or {}).items():
        if other in (key, book_plan.name):
            return made.get((key, code))
    from django.db.models import Q

    return PlanNode.objects.filter(Q(plan__short_name=other) | Q(plan__name=other),
                                   plan__municipality=plan.municipality_id, code=code).first()


def _targets(result: ImportResult, nodes: dict[tuple[str, str], PlanNode]) -> None:
    counts: dict[tuple[str, str, int], int] = {}
    for p in result.plans:
        for t in p.targets:
            key = (p.key, t["code"], t["fiscal_year"])
            counts[key] = counts.get(key, 0) + 1
            target = AnnualTarget(
                business=nodes[p.key, t["code"]], fiscal_year=t["fiscal_year"],
                order=counts[key], kind=t["kind"], text=t["text"],
                target_value=t["target_value"], unit_label=t["unit_label"],
                direction=t["direction"], achieved=t["achieved"],
                actual_value=t["actual_value"], withdrawn=bool(t["withdrawn_reason"]),
                withdrawn_reason=t["withdrawn_reason"])
            target.derive_achieved()
            _save(target, t["row"])


def _texts(result: ImportResult, nodes: dict[tuple[str, str], PlanNode],
           units: dict[str, Unit], actor: Membership) -> None:
    counts: dict[tuple[str, str, int], int] = {}
    for d in result.pairs:
        key = (d["plan"], d["code"], d["fiscal_year"])
        counts[key] = counts.get(key, 0) + 1
        _save(ProgressPair(business=nodes[d["plan"], d["code"]], fiscal_year=d["fiscal_year"],
                           order=counts[key] - 1, unit=units.get(d["unit"]) if d["unit"] else None,
                           do_text=d["do_text"], act_text=d["act_text"]), d["row"])
    for c in result.checks:
        ev, _ = Evaluation.objects.get_or_create(node=nodes[c["plan"], c["code"]],
                                                 fiscal_year=c["fiscal_year"])
        ev.check_text = c["check_text"]
        _save(ev, c["row"])
    for o in result.opinions:
        _save(CommitteeOpinion(node=nodes[o["plan"], o["code"]], fiscal_year=o["fiscal_year"],
                               text=o["text"], meeting_label=o["meeting_label"],
                               response_next_year=o["response_next_year"], author=actor.user),
              o["row"])
