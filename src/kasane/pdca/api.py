"""PDCA API (/api/v1/pdca): plans and the per-year grade summary (contract of issue 9)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from kasane.accounts.http import membership_of

from . import policy as pdca_policy
from .models import Plan
from .report import build_plan

router = Router(tags=["pdca"])


class Detail(Schema):
    detail: str


class PlanOut(Schema):
    id: int
    name: str


class PlanList(Schema):
    items: list[PlanOut]
    count: int


class GradeCounts(Schema):
    A: int
    B: int
    C: int
    D: int


class SummaryItem(Schema):
    code: str
    display_code: str
    title: str
    grade: str | None
    computed_grade: str | None
    overridden: bool
    achieved: int
    counted: int


class Summary(Schema):
    counts: GradeCounts
    total: int
    items: list[SummaryItem]


class SummaryQuery(Schema):
    fiscal_year: int


def _plans(request: HttpRequest):  # type: ignore[no-untyped-def]
    membership = pdca_policy.require_read(membership_of(request))
    return Plan.objects.filter(municipality_id=membership.organization.municipality_id)


@router.get("/plans", response={200: PlanList, 403: Detail})
def plan_list(request: HttpRequest) -> dict[str, object]:
    plans = list(_plans(request).order_by("order", "pk"))
    return {"items": [{"id": p.pk, "name": p.name} for p in plans], "count": len(plans)}


@router.get("/plans/{plan_id}/summary", response={200: Summary, 403: Detail, 404: Detail,
                                                  422: Detail})
def plan_summary(request: HttpRequest, plan_id: int,
                 query: Query[SummaryQuery]) -> dict[str, object]:
    plan = _plans(request).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    data = build_plan(plan, query.fiscal_year, live=False)
    counts = {"A": 0, "B": 0, "C": 0, "D": 0} | {s["grade"]: s["count"] for s in data["summary"]}
    return {
        "counts": counts, "total": data["total"],
        "items": [{"code": g["code"], "display_code": g["display_code"],
                   "title": g["title"], "grade": g["final"],
                   "computed_grade": g["computed"], "overridden": g["overridden"],
                   "achieved": g["achieved"], "counted": g["counted"]} for g in data["graded"]],
    }
