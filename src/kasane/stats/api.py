"""Stats API (/api/v1/stats): the metric registry with this tenant's figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from kasane.accounts.http import membership_of
from kasane.core import metrics
from kasane.core.wareki import fiscal_year

from . import national, submission
from . import policy as stats_policy
from .selectors import hides, period_from, values_for

router = Router(tags=["stats"])


class Detail(Schema):
    detail: str


class MetricOut(Schema):
    key: str
    label: str
    unit: str
    description: str
    value: float | int | None
    unavailable_reason: str = ""
    suppressed: bool = False


class MetricList(Schema):
    items: list[MetricOut]
    count: int


class YearQuery(Schema):
    fiscal_year: int | None = None


@router.get("/metrics", response={200: MetricList, 403: Detail})
def metric_list(request: HttpRequest, query: Query[YearQuery]) -> dict[str, Any]:
    membership = stats_policy.require_read(membership_of(request))
    fy = query.fiscal_year or fiscal_year(timezone.localdate())
    items = values_for(membership.organization.municipality, fy,
                       suppress=stats_policy.must_suppress(membership))
    return {"items": items, "count": len(items)}


# --- the evidence contracts (issue 19): /api/v1/metrics/{code}, /api/v1/reports/national ---

reports_router = Router(tags=["stats"])


class PeriodQuery(Schema):
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    fiscal_year: int | None = None


class MetricValue(Schema):
    code: str
    value: float | int | None
    label: str = ""
    unit: str = ""
    period: str = ""
    available: bool = True
    reason: str = ""
    suppressed: bool = False


@reports_router.get("/metrics/{code}", response={200: MetricValue, 403: Detail, 404: Detail,
                                                 422: Detail})
def metric_value(request: HttpRequest, code: str, query: Query[PeriodQuery]) -> Any:
    """One metric for a period: ``from``/``to`` (dates, inclusive) or ``fiscal_year`` (default:
    this 年度). 委員 get small counts suppressed (``value`` null, ``suppressed`` true); a
    figure that cannot be computed has ``available`` false and its ``reason``."""
    actor = stats_policy.require_metric(membership_of(request))
    if code not in metrics.METRICS:
        return 404, {"detail": f"指標「{code}」は登録されていません。"}
    try:
        period = period_from(query.from_, query.to, query.fiscal_year)
    except ValueError as exc:
        return 422, {"detail": str(exc)}
    metric = metrics.get(code)
    figure = metrics.evaluate_period(code, municipality=actor.organization.municipality,
                                     period=period)
    value = figure.value if figure.ok else None
    suppressed = False
    if stats_policy.must_suppress(actor) and figure.ok and hides(metric.unit, value):
        value, suppressed = None, True
    return {"code": code, "value": _number(value), "label": metric.label, "unit": metric.unit,
            "period": period.label, "available": figure.ok, "reason": figure.reason,
            "suppressed": suppressed}


class FigureOut(Schema):
    code: str
    label: str
    value: float | int
    unit: str = ""
    available: bool = True
    reason: str = ""


class NationalOut(Schema):
    fiscal_year: int
    figures: list[FigureOut]
    note: str = ""
    edition_status: str = "draft"
    """The 年度's submission step (draft / org_confirm / final / submitted); ``figures`` are
    always counted from the records now (the frozen values are in the files)."""


class NationalQuery(Schema):
    fiscal_year: int


@reports_router.get("/reports/national", response={200: NationalOut, 403: Detail, 422: Detail})
def national_report(request: HttpRequest, query: Query[NationalQuery]) -> Any:
    """Every printed cell of the national report for a 年度 (事務局・推進員). A cell with no
    records source on this installation has ``value`` 0, ``available`` false and a reason."""
    actor = stats_policy.require_national(membership_of(request))
    try:
        figures = national.national_report(actor.organization.municipality, query.fiscal_year)
    except national.FutureYear as exc:
        return 422, {"detail": str(exc)}
    edition = submission.edition_of(actor.organization.municipality, query.fiscal_year)
    return {"fiscal_year": query.fiscal_year, "note": national.OVERLAP_NOTE,
            "edition_status": edition.status,
            "figures": [{**f, "value": _number(f["value"])} for f in figures]}


def _number(value: Any) -> Any:
    if value is None or isinstance(value, int):
        return value
    return float(value)
