"""Areas API (contract of issue 17): the tenant's areas and the area of an address.

``GET /api/v1/areas`` → ``{"items":[{"code","name","kind"}]}``, 日常生活圏域 first, then 小地域,
民生委員地区, each by code; ``GET /api/v1/areas/lookup?address=`` → ``{"code","name"}`` of the
日常生活圏域 whose address-table row covers the address, 404 when none does (never a guess).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from kasane.accounts.http import membership_of

from . import policy, selectors

router = Router(tags=["areas"])


class Detail(Schema):
    detail: str


class AreaOut(Schema):
    code: str
    name: str
    kind: str


class AreaList(Schema):
    items: list[AreaOut]


class AreaRef(Schema):
    code: str
    name: str


@router.get("/areas", response={200: AreaList, 403: Detail})
def area_list(request: HttpRequest) -> dict[str, Any]:
    actor = policy.require_read(membership_of(request))
    return {"items": selectors.areas(policy.tenant_id(actor))}


@router.get("/areas/lookup", response={200: AreaRef, 403: Detail, 404: Detail})
def area_lookup(request: HttpRequest, address: str) -> Any:
    actor = policy.require_read(membership_of(request))
    area = selectors.area_for_address(policy.tenant_id(actor), address)
    if area is None:
        raise HttpError(404, "この住所に対応する圏域は登録されていません。")
    return area
