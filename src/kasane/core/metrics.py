"""The metric registry (DESIGN.md §8): named, documented computations over records.

A metric answers ``compute(municipality, fiscal_year, **filters) -> value`` for one tenant and
one 年度 (1 April – 31 March, by event date). Each app registers its own metrics from its own
``metrics`` module (imported by its ``AppConfig.ready()``); statistics, reports and PDCA
indicators only consume them, through :func:`evaluate` when a page must show a figure or a
reason why there is none.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .registry import Registry

logger = logging.getLogger(__name__)

UNITS = ("件", "人", "回", "か所", "%")


class MetricUnavailable(Exception):
    """A figure that cannot be computed for a reason the reader should see (e.g. no targets)."""


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    description: str
    fn: Callable[..., Any] = field(repr=False)
    filters: tuple[str, ...] = ()
    national_id: str = ""  # e.g. "P0-1" (spec/reporting.md B.2)

    def check_filters(self, filters: dict[str, Any]) -> None:
        unknown = set(filters) - set(self.filters)
        if unknown:
            raise ValueError(f"{self.key}: 使えない条件です: {', '.join(sorted(unknown))}")

    def compute(self, municipality: Any, fiscal_year: int, **filters: Any) -> Any:
        self.check_filters(filters)
        return self.fn(municipality, fiscal_year, **filters)


METRICS: Registry[Metric] = Registry("metrics", unique=True)


def register(metric: Metric | None = None, **kwargs: Any) -> Any:
    """``register(Metric(...))``, or as a decorator: ``@register(key=…, label=…, unit=…,
    description=…)`` over ``fn(municipality, fiscal_year, **filters)``."""
    if metric is not None:
        if metric.unit not in UNITS:
            raise ValueError(f"{metric.key}: unit must be one of {UNITS}")
        if metric.key in METRICS and METRICS.one(metric.key).fn is metric.fn:
            return METRICS.one(metric.key)
        return METRICS.add(metric.key, metric)

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        register(Metric(fn=fn, **kwargs))
        return fn

    return decorator


def get(key: str) -> Metric:
    try:
        return METRICS.one(key)
    except KeyError:
        raise KeyError(f"指標「{key}」は登録されていません。") from None


def all_metrics() -> list[Metric]:
    return sorted(METRICS.values(), key=lambda m: (m.national_id or "~", m.key))


def compute(key: str, *, municipality: Any, fiscal_year: int, **filters: Any) -> Any:
    return get(key).compute(municipality, fiscal_year, **filters)


@dataclass(frozen=True)
class Figure:
    """A computed figure, or why there is none (``reason`` shown as 「算出できません」)."""

    key: str
    value: Any = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


def evaluate(key: str, *, municipality: Any, fiscal_year: int, **filters: Any) -> Figure:
    """``compute`` for a page: an unknown metric, a refused filter or an unavailable figure
    gives its reason; an unexpected error is logged with its traceback and named — never
    hidden behind a bare 「—」."""
    try:
        metric = get(key)
        metric.check_filters(filters)
    except (KeyError, ValueError) as exc:
        return Figure(key, reason=str(exc.args[0]))
    try:
        return Figure(key, metric.fn(municipality, fiscal_year, **filters))
    except MetricUnavailable as exc:
        return Figure(key, reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - logged with traceback, reason shown to the reader
        logger.exception("metric %s failed for municipality %s, FY%s", key,
                         getattr(municipality, "pk", municipality), fiscal_year)
        return Figure(key, reason=f"計算中にエラーが発生しました（{type(exc).__name__}）。"
                                  "管理者に連絡してください。")


def choices() -> list[tuple[str, str]]:
    return [(m.key, f"{m.label}（{m.key}）") for m in all_metrics()]
