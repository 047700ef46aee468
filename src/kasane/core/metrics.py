"""The metric registry (DESIGN.md §8): named, documented computations over records.

A metric answers ``compute(municipality, fiscal_year, **filters) -> value`` for one tenant and
one 年度 (1 April – 31 March, by event date). A metric that also registers ``period_fn``
answers for any :class:`Period` (a 年度, a month, a custom from–to range) through
:func:`compute_period`; one without it answers only for whole 年度 (a month asks give a reason).
Filters are declared per metric (names from :data:`FILTERS`); a metric may also give
``drill`` — the records behind its number, for the owning app to list through its own policy
(the count is never filtered by the reader's access; the list is). Each app registers its own metrics from its own
``metrics`` module (imported by its ``AppConfig.ready()``); statistics, reports and PDCA
indicators only consume them, through :func:`evaluate` when a page must show a figure or a
reason why there is none.

A *family* of metrics over the same records may also register a batch
(:func:`register_batch`): one pass over the records for several figures at once (e.g. every
contact cell of the national report as one conditional aggregate). :func:`evaluate_many` uses it
for the figures that share a batch; each figure stays exactly what :func:`evaluate_period` gives
for it alone (the single-metric path is the reference, and the fallback when a batch refuses).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from .registry import Registry
from .wareki import fiscal_year as fiscal_year_of
from .wareki import fiscal_year_label, fiscal_year_range

logger = logging.getLogger(__name__)

UNITS = ("件", "人", "回", "か所", "%", "日")

FILTERS: dict[str, str] = {
    "organization": "機関",
    "area": "圏域",
    "age_band": "年齢層",
    "problem": "課題の分類",
    "tag": "事業",
}
"""The filter vocabulary metrics declare from (a metric may add its own, e.g. ``kind``)."""

AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-17": (0, 17), "18-39": (18, 39), "40-64": (40, 64), "65-74": (65, 74), "75-": (75, None),
}
"""Age bands (years, inclusive; age on the last day of the period)."""


@dataclass(frozen=True)
class Period:
    """A closed date range [start, end] by event date, with its Japanese label."""

    start: dt.date
    end: dt.date
    kind: str = "custom"  # "fiscal_year" | "month" | "custom"

    @classmethod
    def fiscal(cls, fy: int) -> Period:
        first, last = fiscal_year_range(fy)
        return cls(first, last, "fiscal_year")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return cls(first, nxt - dt.timedelta(days=1), "month")

    @classmethod
    def custom(cls, start: dt.date, end: dt.date) -> Period:
        if end < start:
            raise ValueError("期間の終わりが始まりより前です。")
        return cls(start, end, "custom")

    @property
    def end_exclusive(self) -> dt.date:
        return self.end + dt.timedelta(days=1)

    @property
    def fiscal_year(self) -> int:
        return fiscal_year_of(self.start)

    @property
    def is_fiscal_year(self) -> bool:
        return (self.start, self.end) == fiscal_year_range(self.fiscal_year)

    @property
    def label(self) -> str:
        if self.is_fiscal_year:
            return fiscal_year_label(self.fiscal_year)
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start:%Y-%m-%d}〜{self.end:%Y-%m-%d}"


def age_band_birth_range(band: str, on: dt.date) -> tuple[dt.date | None, dt.date]:
    """Birth dates (``(earliest or None, latest)``, inclusive) of people in ``band`` on ``on``."""
    try:
        low, high = AGE_BANDS[band]
    except KeyError:
        raise ValueError(f"年齢層「{band}」はありません（{'、'.join(AGE_BANDS)}）。") from None
    latest = _years_before(on, low)
    earliest = None if high is None else _years_before(on, high + 1) + dt.timedelta(days=1)
    return earliest, latest


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class Rate(Decimal):
    """A percentage that keeps its ``numerator`` and ``denominator`` (counts), so that a
    reader who must not see small numbers (委員, B.5) can have the rate hidden when either is
    small. Behaves as the Decimal it prints."""

    numerator: int
    denominator: int

    def __new__(cls, value: Decimal, numerator: int, denominator: int) -> Rate:
        rate = super().__new__(cls, value)
        rate.numerator, rate.denominator = numerator, denominator
        return rate

    def __reduce__(self) -> tuple[Any, ...]:
        return (Rate, (Decimal(str(self)), self.numerator, self.denominator))

    def __copy__(self) -> Rate:
        return self

    def __deepcopy__(self, memo: Any) -> Rate:
        return self


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
    # optional (defaults keep ``Metric(key, label, unit, description, fn, filters, national_id)``)
    period_fn: Callable[..., Any] | None = field(default=None, repr=False)
    drill: Callable[..., Any] | None = field(default=None, repr=False)
    owner: str = ""  # the app that registered it (shown on the definition page)

    def check_filters(self, filters: dict[str, Any]) -> None:
        unknown = set(filters) - set(self.filters)
        if unknown:
            raise ValueError(f"{self.key}: 使えない条件です: {', '.join(sorted(unknown))}")

    def compute(self, municipality: Any, fiscal_year: int, **filters: Any) -> Any:
        self.check_filters(filters)
        return self.fn(municipality, fiscal_year, **filters)

    def compute_period(self, municipality: Any, period: Period, **filters: Any) -> Any:
        """The value for any period; a 年度-only metric refuses a partial year with a reason."""
        self.check_filters(filters)
        if self.period_fn is not None:
            return self.period_fn(municipality, period, **filters)
        if period.is_fiscal_year:
            return self.fn(municipality, period.fiscal_year, **filters)
        raise MetricUnavailable("この指標は年度単位でだけ算出できます。")

    @property
    def periods(self) -> str:
        return "年度・月・任意の期間" if self.period_fn is not None else "年度"


METRICS: Registry[Metric] = Registry("metrics", unique=True)


def register(metric: Metric | None = None, **kwargs: Any) -> Any:
    """``register(Metric(...))``, or as a decorator: ``@register(key=…, label=…, unit=…,
    description=…)`` over ``fn(municipality, fiscal_year, **filters)``."""
    if metric is not None:
        if metric.unit not in UNITS:
            raise ValueError(f"{metric.key}: unit must be one of {UNITS}")
        if metric.key in METRICS:
            existing = METRICS.one(metric.key)
            if existing.fn is metric.fn or (metric.period_fn is not None
                                            and existing.period_fn is metric.period_fn):
                return existing
        return METRICS.add(metric.key, metric)

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        register(Metric(fn=fn, **kwargs))
        return fn

    return decorator


def register_ranged(*, key: str, label: str, unit: str, description: str,
                    filters: tuple[str, ...] = (), national_id: str = "",
                    drill: Callable[..., Any] | None = None, owner: str = "") -> Any:
    """Decorator over ``fn(municipality, period, **filters)``: a metric for any :class:`Period`
    (its 年度 form ``fn(municipality, fiscal_year)`` is derived)."""

    def decorator(period_fn: Callable[..., Any]) -> Callable[..., Any]:
        def by_year(municipality: Any, fiscal_year: int, **kw: Any) -> Any:
            return period_fn(municipality, Period.fiscal(fiscal_year), **kw)

        register(Metric(key=key, label=label, unit=unit, description=description, fn=by_year,
                        filters=filters, national_id=national_id, period_fn=period_fn,
                        drill=drill, owner=owner))
        return period_fn

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


def evaluate_period(key: str, *, municipality: Any, period: Period, **filters: Any) -> Figure:
    """:func:`evaluate` for any period."""
    try:
        metric = get(key)
        metric.check_filters(filters)
    except (KeyError, ValueError) as exc:
        return Figure(key, reason=str(exc.args[0]))
    try:
        return Figure(key, metric.compute_period(municipality, period, **filters))
    except MetricUnavailable as exc:
        return Figure(key, reason=str(exc))
    except ValueError as exc:
        return Figure(key, reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - logged with traceback, reason shown to the reader
        logger.exception("metric %s failed for municipality %s, %s", key,
                         getattr(municipality, "pk", municipality), period)
        return Figure(key, reason=f"計算中にエラーが発生しました（{type(exc).__name__}）。"
                                  "管理者に連絡してください。")


Request = tuple[str, dict[str, Any]]
"""One figure asked of :func:`evaluate_many`: a metric key and its filters."""

Batch = Callable[[Any, Period, Sequence[Request]], list[Any]]
"""``batch(municipality, period, requests) -> values``: one value per request, in order."""

BATCHES: Registry[Batch] = Registry("metric batches", unique=True)
"""The batch of each metric key that has one (the same function under every key it serves)."""


def register_batch(*keys: str) -> Callable[[Batch], Batch]:
    """Decorator over ``batch(municipality, period, requests)``: the figures of the metrics
    ``keys`` (each request ``(key, filters)``, filters already accepted by the metric) computed
    together in one pass over their records. It must give each request exactly the value the
    metric's own computation gives; it may raise (``MetricUnavailable``, ``ValueError`` — e.g. a
    period the family cannot answer, a bad filter value), and then every request is computed
    alone by :func:`evaluate_period`, which gives the reason."""

    def decorator(batch: Batch) -> Batch:
        for key in keys:
            BATCHES.add(key, batch)
        return batch

    return decorator


def evaluate_many(requests: Sequence[Request], *, municipality: Any,
                  period: Period) -> list[Figure]:
    """:func:`evaluate_period` for each request, in order — figures whose metrics share a batch
    computed in one pass (a report's cells), the others one by one. Same values and reasons as
    asking each alone."""
    figures: list[Figure | None] = [None] * len(requests)
    groups: dict[Batch, list[int]] = {}
    for i, (key, filters) in enumerate(requests):
        if key not in BATCHES or key not in METRICS:
            continue
        try:
            get(key).check_filters(filters)
        except ValueError:
            continue  # evaluate_period gives the reason
        groups.setdefault(BATCHES.one(key), []).append(i)
    for batch, members in groups.items():
        if len(members) < 2:
            continue
        try:
            with transaction.atomic():  # a failed statement must not break the fallback's
                values = batch(municipality, period, [requests[i] for i in members])
        except (MetricUnavailable, ValueError):
            continue
        except Exception:  # noqa: BLE001 - each figure is then computed alone (logged there if it fails)
            logger.exception("metric batch %s failed; computing its figures one by one",
                             getattr(batch, "__qualname__", batch))
            continue
        for i, value in zip(members, values, strict=True):
            figures[i] = Figure(requests[i][0], value)
    return [figure if figure is not None
            else evaluate_period(key, municipality=municipality, period=period, **filters)
            for figure, (key, filters) in zip(figures, requests, strict=True)]


def choices() -> list[tuple[str, str]]:
    return [(m.key, f"{m.label}（{m.key}）") for m in all_metrics()]
