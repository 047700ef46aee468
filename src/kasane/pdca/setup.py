"""事務局 set-up without the demo loader: cycles, plan nodes (add/edit/reorder) and 担当課.

Every function: policy check (事務局 of the same tenant) → transaction → full_clean → write →
AccessLog + ChangeRecord (``services._audit``). Node edits return warnings (not errors) such as
duplicate sibling numbers, which real plans sometimes have on purpose.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max

from kasane.accounts.models import Membership, Unit
from kasane.audit.services import snapshot

from . import policy as pdca_policy
from .models import PdcaCycle, Plan, PlanNode
from .services import _audit

M = TypeVar("M", bound=models.Model)
COLOPHON_FIELDS = ("committee_name", "report_title", "published_month", "publisher", "editor",
                   "publication_number")


def _secretariat(actor: Membership, municipality_id: int) -> None:
    pdca_policy.require_secretariat(actor)
    pdca_policy.same_tenant(actor, municipality_id)


def last_cycle(municipality_id: int, before_year: int | None = None) -> PdcaCycle | None:
    """The newest cycle (before ``before_year`` when given): the one 「前年度をコピー」 copies."""
    qs = PdcaCycle.objects.filter(municipality_id=municipality_id)
    if before_year is not None:
        qs = qs.filter(fiscal_year__lt=before_year)
    return qs.order_by("-fiscal_year").first()


@transaction.atomic
def cycle_create(*, actor: Membership, fiscal_year: int, plans: Iterable[Plan] = (),
                 copy_from: PdcaCycle | None = None, **colophon: str) -> PdcaCycle:
    """A new 年度's report in state 準備. ``copy_from`` (last year's cycle) supplies the plans
    and every colophon field not given; 報告書の表題 is carried over with the year replaced
    when it names the old 年度."""
    municipality_id = actor.organization.municipality_id
    _secretariat(actor, municipality_id)
    unknown = set(colophon) - set(COLOPHON_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if PdcaCycle.objects.filter(municipality_id=municipality_id, fiscal_year=fiscal_year).exists():
        raise ValidationError({"fiscal_year": "この年度の進捗管理はすでに作られています。"})
    plan_list = list(plans)
    values = {k: v.strip() for k, v in colophon.items() if v is not None}
    if copy_from is not None:
        pdca_policy.same_tenant(actor, copy_from.municipality_id)
        if not plan_list:
            plan_list = list(copy_from.plans.all())
        for name in COLOPHON_FIELDS:
            if not values.get(name):
                values[name] = _next_year_text(getattr(copy_from, name), copy_from.fiscal_year,
                                               fiscal_year)
    if any(p.municipality_id != municipality_id for p in plan_list):
        raise ValidationError({"plans": "他の自治体の計画は選べません。"})
    if not plan_list:
        raise ValidationError({"plans": "評価する計画を1つ以上選んでください。"})
    values = {k: v for k, v in values.items() if v}
    cycle = PdcaCycle(municipality_id=municipality_id, fiscal_year=fiscal_year, **values)
    cycle.full_clean()
    cycle.save()
    cycle.plans.set(plan_list)
    _audit(actor, "cycle.create", cycle, "create", {},
           detail=f"{fiscal_year} " + "・".join(p.short_name for p in plan_list))
    return cycle


def _next_year_text(text: str, old: int, new: int) -> str:
    from kasane.core.wareki import fiscal_year_label

    return text.replace(fiscal_year_label(old), fiscal_year_label(new)).replace(
        f"{old}年度", f"{new}年度")


@dataclass
class NodeSaved:
    node: PlanNode
    warnings: list[str] = field(default_factory=list)


def sibling_number_warnings(plan: Plan) -> list[str]:
    """「同じ親の下で番号が重複」 per duplicate (warning only; the report prints what it gets)."""
    seen: dict[tuple[int | None, int], PlanNode] = {}
    out = []
    for node in PlanNode.objects.filter(plan=plan).order_by("order", "pk"):
        key = (node.parent_id, node.number)
        if key in seen:
            out.append(f"{node.code}: 同じ階層に番号{node.number}が重複しています"
                       f"（{seen[key].code} と同じ）。印刷すると同じ番号が2回出ます。")
        else:
            seen[key] = node
    return out


@transaction.atomic
def node_save(*, actor: Membership, node: PlanNode, units: Iterable[Unit] | None = None,
              reason: str = "") -> NodeSaved:
    """Create or change a 施策・事業. The depth follows the parent; a non-business node may
    have no title (real plans have untitled 中 nodes). New nodes go after their siblings."""
    plan = node.plan
    _secretariat(actor, plan.municipality_id)
    creating = node.pk is None
    before = {} if creating else snapshot(PlanNode.objects.get(pk=node.pk))
    if node.parent_id is not None:
        parent = node.parent
        assert parent is not None
        if parent.plan_id != plan.pk:
            raise ValidationError({"parent": "同じ計画の施策を親に選んでください。"})
        node.depth = parent.depth + 1
    else:
        node.depth = 1
    if node.depth > plan.levels.count() > 0:
        raise ValidationError({"parent": "この計画の階層より深くはできません。"})
    if node.is_business and not (node.title.strip() or node.repost_of_id):
        raise ValidationError({"title": "事業の名称を入力してください。"})
    if creating and not node.order:
        node.order = _order_after(plan, node.parent)
    node.full_clean(validate_unique=False)
    if PlanNode.objects.filter(plan=plan, code=node.code).exclude(pk=node.pk).exists():
        raise ValidationError({"code": f"コード「{node.code}」はこの計画ですでに使われています。"})
    node.save()
    if units is not None:
        unit_list = list(units)
        if any(u.municipality_id != plan.municipality_id for u in unit_list):
            raise ValidationError({"units": "他の自治体の担当課は選べません。"})
        node.units.set(unit_list)
    _audit(actor, "node.save", node, "create" if creating else "update", before, reason)
    warnings = [w for w in sibling_number_warnings(plan) if w.startswith(f"{node.code}:")
                or f"（{node.code} と同じ）" in w]
    return NodeSaved(node=node, warnings=warnings)


def _order_after(plan: Plan, parent: PlanNode | None) -> int:
    """The order value just after ``parent``'s last descendant (shifting later nodes)."""
    if parent is None:
        return (PlanNode.objects.filter(plan=plan).aggregate(m=Max("order"))["m"] or 0) + 1
    last = parent.order
    frontier = [parent.pk]
    while frontier:
        kids = list(PlanNode.objects.filter(parent_id__in=frontier).values_list("pk", "order"))
        frontier = [pk for pk, _ in kids]
        last = max([last, *(o for _, o in kids)])
    for later in PlanNode.objects.filter(plan=plan, order__gt=last).order_by("-order"):
        later.order += 1
        later.save(update_fields=["order"])
    return last + 1


@transaction.atomic
def node_move(*, actor: Membership, node: PlanNode, up: bool) -> PlanNode:
    """Swap a node (with its subtree) with the previous / next sibling."""
    plan = node.plan
    _secretariat(actor, plan.municipality_id)
    siblings = list(PlanNode.objects.filter(plan=plan, parent_id=node.parent_id)
                    .order_by("order", "pk"))
    i = next(i for i, s in enumerate(siblings) if s.pk == node.pk)
    j = i - 1 if up else i + 1
    if not 0 <= j < len(siblings):
        return node
    first, second = sorted([siblings[i], siblings[j]], key=lambda s: s.order)
    block_a, block_b = _subtree(plan, first), _subtree(plan, second)
    # the two blocks trade places; they reuse the same order values, so nothing else moves
    slots = sorted(n.order for n in [*block_a, *block_b])
    for slot, moved in zip(slots, [*block_b, *block_a], strict=True):
        before = snapshot(moved)
        moved.order = slot
        moved.save(update_fields=["order"])
        if moved.pk == node.pk:
            _audit(actor, "node.move", moved, "update", before)
    node.refresh_from_db()
    return node


def _subtree(plan: Plan, root: PlanNode) -> list[PlanNode]:
    nodes = list(PlanNode.objects.filter(plan=plan).order_by("order", "pk"))
    children: dict[int | None, list[PlanNode]] = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)
    out: list[PlanNode] = []
    stack = [root]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(children.get(current.pk, [])))
    return out


@transaction.atomic
def unit_save(*, actor: Membership, unit: Unit) -> Unit:
    """事務局 maintains the 担当課 list from the PDCA screens (same rules as the admin screen)."""
    municipality_id = actor.organization.municipality_id
    _secretariat(actor, municipality_id)
    creating = unit.pk is None
    if creating:
        unit.municipality_id = municipality_id
    elif unit.municipality_id != municipality_id:
        pdca_policy.same_tenant(actor, unit.municipality_id)
    before = {} if creating else snapshot(Unit.objects.get(pk=unit.pk))
    unit.full_clean()
    unit.save()
    _audit(actor, "unit.save", unit, "create" if creating else "update", before)
    return unit


PLAN_LAYOUT_FIELDS = ("section_heading", "page_per_section", "print_meta_line",
                      "repost_display", "override_footnote", "grade_scale")
CYCLE_TEXT_FIELDS = (*COLOPHON_FIELDS, "intro_text", "criteria_example", "timeline_text")


@transaction.atomic
def plan_layout_save(*, actor: Membership, plan: Plan, reason: str = "",
                     **changes: object) -> Plan:
    """Layout settings and grade scale of one plan (only ``PLAN_LAYOUT_FIELDS``)."""
    _secretariat(actor, plan.municipality_id)
    return _save_fields(actor, Plan.objects.select_for_update().get(pk=plan.pk), changes,
                        PLAN_LAYOUT_FIELDS, "plan.layout", reason)


@transaction.atomic
def cycle_texts_save(*, actor: Membership, cycle: PdcaCycle, reason: str = "",
                     **changes: object) -> PdcaCycle:
    """Editable front matter (序章, 評価基準の例, 流れ) and colophon of a cycle's report."""
    _secretariat(actor, cycle.municipality_id)
    return _save_fields(actor, PdcaCycle.objects.select_for_update().get(pk=cycle.pk), changes,
                        CYCLE_TEXT_FIELDS, "cycle.texts", reason)


def _save_fields(actor: Membership, obj: M, changes: dict[str, object],
                 allowed: tuple[str, ...], action: str, reason: str) -> M:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    before = snapshot(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    _audit(actor, action, obj, "update", before, reason)
    return obj
