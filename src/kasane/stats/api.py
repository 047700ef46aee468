"""Stats API (/api/v1/stats): the metric registry with this tenant's figures."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from kasane.accounts.http import membership_of
from kasane.core.wareki import fiscal_year

from . import policy as stats_policy
from .selectors import values_for

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


class MetricList(Schema):
    items: list[MetricOut]
    count: int


class YearQuery(Schema):
    fiscal_year: int | None = None


@router.get("/metrics", response={200: MetricList, 403: Detail})
def metric_list(request: HttpRequest, query: Query[YearQuery]) -> dict[str, Any]:
    membership = stats_policy.require_read(membership_of(request))
    fy = query.fiscal_year or fiscal_year(timezone.localdate())
    items = values_for(membership.organization.municipality, fy)
    return {"items": items, "count": len(items)}
