"""The metric registry (DESIGN.md §8): named, documented computations over records.

A metric answers ``compute(municipality, fiscal_year, **filters) -> value`` for one tenant and
one 年度 (1 April – 31 March, by event date). Apps register their own metrics from their own
code (``kasane.<app>.metrics``, imported by ``StatsConfig.ready``); the national report,
dashboards and PDCA indicators all read figures through :func:`compute`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

UNITS = ("件", "人", "回", "か所", "%")


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    description: str
    fn: Callable[..., Any] = field(repr=False)
    filters: tuple[str, ...] = ()
    national_id: str = ""  # e.g. "P0-1" (spec/reporting.md B.2)

    def compute(self, municipality: Any, fiscal_year: int, **filters: Any) -> Any:
        unknown = set(filters) - set(self.filters)
        if unknown:
            raise ValueError(f"{self.key}: 使えない条件です: {', '.join(sorted(unknown))}")
        return self.fn(municipality, fiscal_year, **filters)


_REGISTRY: dict[str, Metric] = {}


def register(metric: Metric | None = None, **kwargs: Any) -> Any:
    """``register(Metric(...))``, or as a decorator: ``@register(key=…, label=…, unit=…,
    description=…)`` over ``fn(municipality, fiscal_year, **filters)``."""
    if metric is not None:
        if metric.unit not in UNITS:
            raise ValueError(f"{metric.key}: unit must be one of {UNITS}")
        if metric.key in _REGISTRY and _REGISTRY[metric.key].fn is not metric.fn:
            raise ValueError(f"metric {metric.key} is already registered")
        _REGISTRY[metric.key] = metric
        return metric

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        register(Metric(fn=fn, **kwargs))
        return fn

    return decorator


def get(key: str) -> Metric:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"指標「{key}」は登録されていません。") from None


def all_metrics() -> list[Metric]:
    return sorted(_REGISTRY.values(), key=lambda m: (m.national_id or "~", m.key))


def compute(key: str, *, municipality: Any, fiscal_year: int, **filters: Any) -> Any:
    return get(key).compute(municipality, fiscal_year, **filters)


def choices() -> list[tuple[str, str]]:
    return [(m.key, f"{m.label}（{m.key}）") for m in all_metrics()]
