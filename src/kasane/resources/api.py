"""Resource directory API (contract of issue 17).

``GET /api/v1/resources[?area=<area code>]`` → ``{"items":[{"id","name","area","capacity",
"vacancies"}],"count"}``: the tenant's published places, ``area`` the 日常生活圏域 code as a
string ("" when 未設定), ``capacity``/``vacancies`` null when the place has no capacity; at
most 500 items, no paging.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from kasane.accounts.http import membership_of

from . import policy, selectors
from .models import Place

router = Router(tags=["resources"])


class Detail(Schema):
    detail: str


class ResourceOut(Schema):
    id: int
    name: str
    area: str
    capacity: int | None
    vacancies: int | None

    @staticmethod
    def resolve_area(place: Place) -> str:
        return place.area.code if place.area else ""


class ResourceList(Schema):
    items: list[ResourceOut]
    count: int


@router.get("/resources", response={200: ResourceList, 403: Detail})
def resource_list(request: HttpRequest, area: str = "") -> dict[str, Any]:
    actor = policy.require_read(membership_of(request))
    items = list(selectors.published(policy.tenant_id(actor), area_code=area)
                 .prefetch_related(None)[:selectors.API_LIMIT])
    return {"items": items, "count": len(items)}
