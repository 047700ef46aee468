"""Reads of statistics: figures from the core metric registry."""

from __future__ import annotations

from typing import Any

from kasane.core import metrics
from kasane.core.replica import using_replica


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
