"""Reads of statistics: figures from the core metric registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kasane.core import metrics
from kasane.core.metrics import Period
from kasane.core.replica import using_replica
from kasane.core.wareki import fiscal_year


@using_replica()  # statistics: may read from a replica (docs/scaling.md)
def values_for(municipality: Any, fy: int) -> list[dict[str, Any]]:
    """Every registered metric for one 年度: its value, or the reason it cannot be computed.
    Reads from the replica when one is configured (kasane.core.replica)."""
    out = []
    for m in metrics.all_metrics():
        figure = metrics.evaluate(m.key, municipality=municipality, fiscal_year=fy)
        value = figure.value
        out.append({"key": m.key, "label": m.label, "unit": m.unit,
                    "description": m.description, "national_id": m.national_id,
                    "value": float(value) if value is not None and not isinstance(value, int)
                    else value, "unavailable_reason": figure.reason})
    return out


COUNT_UNITS = ("件", "人", "回", "か所")


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
