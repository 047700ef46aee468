"""Reads for the PDCA screens, scoped to the acting membership's tenant."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from kasane.accounts.models import Membership

from . import policy as pdca_policy
from .models import AnnualTarget, CycleState, PdcaCycle, Plan, PlanNode, ProgressPair
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
    m = pdca_policy.require_read(membership)
    plan = Plan.objects.filter(pk=pk, municipality_id=m.organization.municipality_id).first()
    if plan is None:
        raise Http404
    return plan


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
    mine = [(plan, node) for plan in cycle.plans.order_by("order", "pk")
            for node in reported_businesses(plan)
            if any(u.pk == unit_id for u in node.units.all())]
    ids = [node.pk for _, node in mine]
    open_ = dict(AnnualTarget.objects.filter(
        business_id__in=ids, fiscal_year=fy, withdrawn=False, achieved__isnull=True)
        .values("business_id").annotate(n=Count("pk")).values_list("business_id", "n"))
    done = set(ProgressPair.objects.filter(business_id__in=ids, fiscal_year=fy)
               .exclude(do_text="").values_list("business_id", flat=True))
    return [{"node": node, "plan_name": plan.short_name, "open": open_.get(node.pk, 0),
             "no_do": node.pk not in done} for plan, node in mine]
