"""Stats API (/api/v1/stats): the metric registry with this tenant's figures."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from kasane.accounts.models import Role
from kasane.core import metrics
from kasane.core.wareki import fiscal_year

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


def values_for(municipality: Any, fy: int) -> list[dict[str, Any]]:
    """Every registered metric for one 年度: its value, or the reason it cannot be computed."""
    out = []
    for m in metrics.all_metrics():
        figure = metrics.evaluate(m.key, municipality=municipality, fiscal_year=fy)
        value = figure.value
        out.append({"key": m.key, "label": m.label, "unit": m.unit,
                    "description": m.description, "national_id": m.national_id,
                    "value": float(value) if value is not None and not isinstance(value, int)
                    else value, "unavailable_reason": figure.reason})
    return out


@router.get("/metrics", response={200: MetricList, 403: Detail})
def metric_list(request: HttpRequest, query: Query[YearQuery]) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None or membership.role not in (Role.SECRETARIAT, Role.COMMITTEE):
        raise PermissionDenied("統計は事務局と委員だけが閲覧できます。")
    fy = query.fiscal_year or fiscal_year(timezone.localdate())
    items = values_for(membership.organization.municipality, fy)
    return {"items": items, "count": len(items)}
