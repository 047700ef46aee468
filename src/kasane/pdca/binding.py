"""Targets bound to a registry metric (spec/reporting.md A.1, D): a numeric target of a
business whose 指標 is a metric key has its result **set from the metric** — ``actual_value``
= the metric for the target's 年度 (the business' ``indicator_filters`` applied), 達成 derived
from the direction — while ``result_source`` is ``metric``.

- Live: the report applies the current metric value in memory (``apply_live``), so the grade
  follows the records until the 年度's cycle is 公表.
- Persisted: each workflow transition and each edition writes the values to the targets
  (``persist``) with a change record; the published edition's snapshot freezes them. After
  公表 nothing is recomputed (a later record does not change a published grade).
- Override: a person who types a result for a bound target gives a reason (as for grades);
  the target becomes ``manual`` and keeps the reason in its note (services).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from kasane.core import metrics

from .models import AnnualTarget, CycleState, PdcaCycle, PlanNode, ResultSource, TargetKind


def is_bound(target: AnnualTarget, business: PlanNode | None = None) -> bool:
    source = (business or target.business).source
    return (target.kind == TargetKind.NUMERIC and bool(source.indicator_metric)
            and target.result_source == ResultSource.METRIC and not target.withdrawn)


def metric_value(business: PlanNode, municipality: Any, fiscal_year: int) -> tuple[Decimal | None, str]:
    """The bound metric's value as a Decimal, or None and the reason it cannot be computed."""
    source = business.source
    figure = metrics.evaluate(source.indicator_metric, municipality=municipality,
                              fiscal_year=fiscal_year, **(source.indicator_filters or {}))
    if not figure.ok or figure.value is None:
        return None, figure.reason or "値がありません"
    try:
        return Decimal(str(figure.value)), ""
    except InvalidOperation:
        return None, "数値ではありません"


def frozen(municipality_id: int, fiscal_year: int) -> bool:
    return PdcaCycle.objects.filter(municipality_id=municipality_id, fiscal_year=fiscal_year,
                                    state=CycleState.PUBLISHED).exists()


def apply_live(targets: Iterable[AnnualTarget], businesses: dict[int, PlanNode],
               municipality: Any, fiscal_year: int) -> None:
    """Set (in memory) each bound target of ``fiscal_year`` from its metric, unless that
    年度 is published. ``businesses`` maps source business id → node."""
    if frozen(municipality.pk, fiscal_year):
        return
    values: dict[int, tuple[Decimal | None, str]] = {}
    for t in targets:
        business = businesses.get(t.business_id)
        if business is None or t.fiscal_year != fiscal_year or not is_bound(t, business):
            continue
        if business.pk not in values:
            values[business.pk] = metric_value(business, municipality, fiscal_year)
        value, _ = values[business.pk]
        t.actual_value = value
        t.achieved = None
        t.derive_achieved()


def persist(cycle: PdcaCycle) -> list[AnnualTarget]:
    """Write the metric results of the cycle's bound targets (not after 公表); the changed
    targets are returned for the caller to audit."""
    if cycle.state == CycleState.PUBLISHED:
        return []
    bound = list(AnnualTarget.objects.filter(
        business__plan__municipality_id=cycle.municipality_id, fiscal_year=cycle.fiscal_year,
        kind=TargetKind.NUMERIC, result_source=ResultSource.METRIC, withdrawn=False)
        .exclude(business__indicator_metric="").select_related("business"))
    changed = []
    for t in bound:
        value, reason = metric_value(t.business, cycle.municipality, cycle.fiscal_year)
        before = (t.actual_value, t.achieved)
        t.actual_value = value
        t.achieved = None
        t.derive_achieved()
        t.result_note = (f"統計から（{t.business.indicator_metric}）" if value is not None
                         else f"統計から算出できません（{reason}）")[:300]
        if (t.actual_value, t.achieved) != before:
            t.save(update_fields=["actual_value", "achieved", "result_note", "updated_at"])
            changed.append(t)
    return changed
