"""PDCA API (/api/v1/pdca): plans and the per-year grade summary (contract of issue 9)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kasane.accounts.http import membership_of

from . import policy as pdca_policy
from . import selectors
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
    grade_counts: dict[str, int]  # every grade of the plan's own scale (A–D by default)
    total: int
    items: list[SummaryItem]


class SummaryQuery(Schema):
    fiscal_year: int


@router.get("/plans", response={200: PlanList, 403: Detail})
def plan_list(request: HttpRequest) -> dict[str, object]:
    plans = list(selectors.plans_for(pdca_policy.require_read(membership_of(request)))
                 .order_by("order", "pk"))
    return {"items": [{"id": p.pk, "name": p.name} for p in plans], "count": len(plans)}


@router.get("/plans/{plan_id}/summary", response={200: Summary, 403: Detail, 404: Detail,
                                                  422: Detail})
def plan_summary(request: HttpRequest, plan_id: int,
                 query: Query[SummaryQuery]) -> dict[str, object]:
    plan = selectors.plan_get(membership_of(request), plan_id)
    data = build_plan(plan, query.fiscal_year, live=False)
    own = {s["grade"]: s["count"] for s in data["summary"]}
    counts = {"A": 0, "B": 0, "C": 0, "D": 0} | own
    return {
        "counts": counts, "grade_counts": own, "total": data["total"],
        "items": [{"code": g["code"], "display_code": g["display_code"],
                   "title": g["title"], "grade": g["final"],
                   "computed_grade": g["computed"], "overridden": g["overridden"],
                   "achieved": g["achieved"], "counted": g["counted"]} for g in data["graded"]],
    }
