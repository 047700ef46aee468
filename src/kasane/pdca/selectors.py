"""Reads for the PDCA screens, scoped to the acting membership's tenant."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kasane.accounts.models import Membership, Unit

from . import policy as pdca_policy
from .models import (
    AnnualTarget,
    CommitteeOpinion,
    CycleState,
    Evaluation,
    PdcaCycle,
    Plan,
    PlanNode,
    ProgressPair,
)
from .report import build_report, reported_businesses


def cycles_for(membership: Membership) -> QuerySet[PdcaCycle]:
    return PdcaCycle.objects.filter(
        municipality_id=membership.organization.municipality_id).prefetch_related("plans")


def cycle_get(membership: Membership | None, pk: int) -> PdcaCycle:
    m = pdca_policy.require_read(membership)
    cycle = cycles_for(m).filter(pk=pk).select_related("municipality").first()
    if cycle is None:
        raise Http404
    return cycle


def plan_get(membership: Membership | None, pk: int) -> Plan:
    return get_object_or_404(plans_for(pdca_policy.require_read(membership)), pk=pk)


def plans_for(membership: Membership) -> QuerySet[Plan]:
    return Plan.objects.filter(municipality_id=membership.organization.municipality_id)


def _id(value: object) -> int:
    """A primary key from a URL or form value; 404 for anything that is not one."""
    try:
        return int(str(value))
    except ValueError:
        raise Http404 from None


def plan_node_get(plan: Plan, pk: object, *, business: bool = False) -> PlanNode:
    """A node of ``plan`` (``business``: an original business, not a repost); 404 when the
    plan has no such node."""
    nodes = PlanNode.objects.filter(plan=plan).select_related("parent")
    if business:
        nodes = nodes.filter(is_business=True, repost_of__isnull=True)
    return get_object_or_404(nodes, pk=_id(pk))


def next_number(plan: Plan, parent: PlanNode | None) -> int:
    """The number a new node under ``parent`` (None: at the top) of ``plan`` gets."""
    last = PlanNode.objects.filter(plan=plan, parent=parent).aggregate(m=Max("number"))["m"]
    return (last or 0) + 1


def target_get(business: PlanNode, pk: object) -> AnnualTarget:
    return get_object_or_404(AnnualTarget, business=business, pk=_id(pk))


def units_for(membership: Membership) -> QuerySet[Unit]:
    return Unit.objects.filter(
        municipality_id=membership.organization.municipality_id).order_by("order", "code")


def unit_get(membership: Membership, pk: object) -> Unit:
    return get_object_or_404(units_for(membership), pk=_id(pk))


def evaluation_of(node: PlanNode, fiscal_year: int) -> Evaluation | None:
    return Evaluation.objects.filter(node=node, fiscal_year=fiscal_year).first()


def opinions_before(node: PlanNode, fiscal_year: int) -> QuerySet[CommitteeOpinion]:
    """The committee's opinions of the year before ``fiscal_year`` on ``node`` and on the
    graded nodes above it (shown beside a business)."""
    graded = [a for a in node.plan.nodes.filter(depth=node.plan.graded_level)
              if node.code.startswith(f"{a.code}-")]
    return CommitteeOpinion.objects.filter(node__in=[*graded, node], fiscal_year=fiscal_year - 1)


def published_cycle(pk: int) -> PdcaCycle:
    """A 公表 cycle by id, for the public page (no login); 404 for any other."""
    return get_object_or_404(PdcaCycle, pk=pk, state=CycleState.PUBLISHED)


def node_get(cycle: PdcaCycle, pk: int) -> PlanNode:
    node = PlanNode.objects.filter(pk=pk, plan__in=cycle.plans.all()) \
        .select_related("plan", "repost_of").first()
    if node is None:
        raise Http404
    return node


def report_for(cycle: PdcaCycle) -> dict[str, Any]:
    """The frozen latest edition once published; otherwise the live draft."""
    if cycle.state == CycleState.PUBLISHED:
        edition = cycle.editions.order_by("-number").first()
        if edition is not None:
            return edition.snapshot  # type: ignore[no-any-return]
    return build_report(cycle)


def unit_businesses(report: dict[str, Any], unit_id: int) -> list[dict[str, Any]]:
    """Business rows (originals only) of the report that the unit is responsible for."""
    out = []
    for plan in report["plans"]:
        for row in plan["rows"]:
            if row["kind"] == "business" and not row["repost_of"] and unit_id in row["unit_ids"]:
                open_ = sum(1 for t in row["targets"]
                            if t["fiscal_year"] == report["fiscal_year"] and not t["withdrawn"]
                            and t["achieved"] is None)
                out.append(dict(row, plan_name=plan["short_name"], open=open_,
                                no_do=not any(p["do"] for p in row["pairs"])))
    return out


def unit_gaps(cycle: PdcaCycle, unit_id: int) -> list[dict[str, Any]]:
    """The unit's businesses in the cycle's report (as ``unit_businesses`` finds them) with
    ``open`` (this 年度's targets without a result, withdrawn ones aside) and ``no_do`` (no
    Do written this 年度), computed by the database instead of building the report: the
    home page asks on every load. Each: ``{"node", "plan_name", "open", "no_do"}``."""
    fy = cycle.fiscal_year
    plans = list(cycle.plans.order_by("order", "pk"))
    own = dict(PlanNode.units.through.objects.filter(  # the unit's nodes: {node id: plan id}
        unit_id=unit_id, plannode__plan__in=plans).values_list("plannode_id", "plannode__plan_id"))
    with_own = set(own.values())
    mine = [(plan, node) for plan in plans if plan.pk in with_own
            for node in reported_businesses(plan) if node.pk in own]
    ids = [node.pk for _, node in mine]
    open_ = dict(AnnualTarget.objects.filter(
        business_id__in=ids, fiscal_year=fy, withdrawn=False, achieved__isnull=True)
        .values("business_id").annotate(n=Count("pk")).values_list("business_id", "n"))
    done = set(ProgressPair.objects.filter(business_id__in=ids, fiscal_year=fy)
               .exclude(do_text="").values_list("business_id", flat=True))
    return [{"node": node, "plan_name": plan.short_name, "open": open_.get(node.pk, 0),
             "no_do": node.pk not in done} for plan, node in mine]
