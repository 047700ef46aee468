"""Accounts API: token issue/revoke, /me, /organizations (contract of the Foundation issue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema
from ninja.errors import HttpError

from . import selectors, services

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime | None = None


class Detail(Schema):
    detail: str


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str


class MembershipOut(Schema):
    id: int
    organization: OrganizationOut
    role: str
    role_label: str


class MeOut(Schema):
    username: str
    display_name: str
    municipality: str | None
    memberships: list[MembershipOut]


class OrganizationList(Schema):
    items: list[OrganizationOut]
    count: int


def _org(o: Any) -> dict[str, Any]:
    return {"id": o.pk, "name": o.name, "kind": o.kind, "kind_label": o.get_kind_display()}


@router.post("/auth/token", auth=None,
             response={200: TokenOut, 400: Detail, 401: Detail, 422: Detail, 429: Detail},
             summary="APIトークンの発行（失効は90日後。失敗が続くと429 + Retry-After）")
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    try:
        user = services.user_authenticate(username=payload.username, password=payload.password,
                                          request=request)
        if services.mfa_required():
            services.otp_verify(user=user, token=payload.otp or "")
    except services.LoginThrottled as exc:
        response = JsonResponse({"detail": str(exc)}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except services.LoginError as exc:
        raise HttpError(401, str(exc)) from None
    return {"token": services.api_token_issue(user=user, name="API (auth/token)"),
            "expires_at": services.api_tokens_active(user).order_by("-created_at")[0].expires}


class TokenItem(Schema):
    id: int
    name: str
    prefix: str
    organization: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool


class TokenList(Schema):
    items: list[TokenItem]
    count: int


@router.get("/auth/tokens", response={200: TokenList, 401: Detail}, summary="自分のAPIトークン一覧")
def token_list(request: HttpRequest) -> Any:
    items = [{"id": t.pk, "name": t.name, "prefix": t.prefix,
              "organization": t.membership.organization.name if t.membership else None,
              "created_at": t.created_at, "expires_at": t.expires, "last_used_at": t.last_used_at,
              "revoked_at": t.revoked_at, "active": t.is_active}
             for t in services.api_tokens_of(request.user)]  # type: ignore[arg-type]
    return {"items": items, "count": len(items)}


@router.delete("/auth/tokens/{token_id}", response={204: None, 400: Detail, 401: Detail},
               summary="自分のAPIトークンを失効")
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    services.api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    return 204, None


@router.delete("/auth/token", response={204: None, 401: Detail}, summary="使用中のトークンを失効")
def token_revoke_current(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization", "")
    key = header.removeprefix("Bearer ").strip()
    found = services.api_token_user(key) if key else None
    if found is None:
        raise HttpError(401, "トークン認証で呼び出してください。")
    user, token = found
    services.api_token_revoke(user=user, token_id=token.pk)
    return 204, None


@router.get("/me", response={200: MeOut, 401: Detail}, summary="自分の情報と所属")
def me(request: HttpRequest) -> Any:
    user = request.user
    return {
        "username": user.username,
        "display_name": str(user),
        "municipality": str(user.municipality) if user.municipality else None,  # type: ignore[union-attr]
        "memberships": [
            {"id": m.pk, "organization": _org(m.organization), "role": m.role,
             "role_label": m.role_label}
            for m in services.user_active_memberships(user)  # type: ignore[arg-type]
        ],
    }


@router.get("/organizations", response={200: OrganizationList, 401: Detail},
            summary="自治体内の組織一覧")
def organizations(request: HttpRequest) -> Any:
    items = [_org(o) for o in selectors.organizations_of_tenant(request.user)]
    return {"items": items, "count": len(items)}
