"""Reads of statistics: figures from the core metric registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kasane.core import metrics
from kasane.core.metrics import Period, Rate
from kasane.core.replica import using_replica
from kasane.core.wareki import fiscal_year

from .suppression import is_small, suppress_rate

COUNT_UNITS = ("件", "人", "回", "か所")


@using_replica()  # statistics: may read from a replica (docs/scaling.md)
def values_for(municipality: Any, fy: int, *, suppress: bool = False) -> list[dict[str, Any]]:
    """Every registered metric for one 年度: its value, or the reason it cannot be computed.
    With ``suppress`` (委員) small counts and rates over small counts are ``None`` with
    ``suppressed`` true. Reads from the replica when one is configured (kasane.core.replica)."""
    out = []
    for m in metrics.all_metrics():
        figure = metrics.evaluate(m.key, municipality=municipality, fiscal_year=fy)
        value = figure.value
        hidden = suppress and figure.ok and hides(m.unit, value)
        out.append({"key": m.key, "label": m.label, "unit": m.unit,
                    "description": m.description, "national_id": m.national_id,
                    "value": None if hidden else float(value)
                    if value is not None and not isinstance(value, int) else value,
                    "unavailable_reason": figure.reason, "suppressed": hidden})
    return out


def hides(unit: str, value: Any) -> bool:
    """Whether B.5 hides this figure from 委員 on its own: a count 1 … k−1, or a rate whose
    numerator or denominator is (``core.metrics.Rate`` keeps them)."""
    if unit in COUNT_UNITS:
        return is_small(value)
    if isinstance(value, Rate):
        return suppress_rate(float(value), value.numerator, value.denominator) is None
    return False


def committee_hides(metric: metrics.Metric, municipality: Any, period: Period,
                    filters: dict[str, str], value: Any) -> bool:
    """Whether a figure asked for with ``filters`` must be hidden from 委員: small itself, or
    small once differenced against the same figure with one filter fewer (area=01 against all
    圏域, problem=care&main=yes against problem=care …) — so no filter combination next to its
    wider total gives away one person. Rates are compared through their counts."""
    if hides(metric.unit, value):
        return True
    for name in filters:
        wider = {k: v for k, v in filters.items() if k != name}
        parent = metrics.evaluate_period(metric.key, municipality=municipality, period=period,
                                         **wider)
        if not parent.ok:
            continue
        for part, whole in _parts(metric.unit, value, parent.value):
            if is_small(whole - part):
                return True
    return False


def _parts(unit: str, value: Any, parent: Any) -> list[tuple[int, int]]:
    if unit in COUNT_UNITS and isinstance(value, int) and isinstance(parent, int):
        return [(value, parent)]
    if isinstance(value, Rate) and isinstance(parent, Rate):
        return [(value.numerator, parent.numerator), (value.denominator, parent.denominator)]
    return []


def period_from(start: dt.date | None, end: dt.date | None, fy: int | None) -> Period:
    """The period a request asks for: ``from``+``to`` (inclusive), else ``fiscal_year``, else
    the current 年度. Raises ValueError with a Japanese message."""
    if start or end:
        if not (start and end):
            raise ValueError("期間は from と to の両方を指定してください（YYYY-MM-DD）。")
        return Period.custom(start, end)
    if fy is not None:
        if not 2000 <= fy <= 2100:
            raise ValueError("年度は2000〜2100の西暦で指定してください。")
        return Period.fiscal(fy)
    return Period.fiscal(fiscal_year(timezone.localdate()))
