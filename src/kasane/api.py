"""The REST API root (/api/v1/). Each app contributes a ninja Router from its ``api.py``.

Auth: a bearer token (``Authorization: Bearer ksn_…``) for systems, or the browser session
(with CSRF) for htmx pages. Every error is JSON ``{"detail": "..."}`` with a 4xx status.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from kasane.accounts import services as account_services
from kasane.audit import context
from kasane.core import messages as texts


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = account_services.api_token_user(token)
        if found is None:
            return None
        user, api_token = found
        request.user = user
        request.membership = api_token.membership or account_services.membership_for(user, None)  # type: ignore[attr-defined]
        context.update(user_id=user.pk, municipality_id=user.municipality_id,
                       organization_id=getattr(request.membership, "organization_id", None))  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The browser session; django-ninja checks CSRF for cookie auth."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if account_services.mfa_required() and not user.is_verified():
            return None
        return user


api = NinjaAPI(
    title="Kasane API",
    version="1",
    description="重層的支援体制整備事業のためのAPI。エラーは常に {\"detail\": \"…\"}。",
    auth=[BearerAuth(), SessionAuth()],
    urls_namespace="api",
)


def _flatten_errors(errors: list[dict[str, Any]]) -> dict[str, str]:
    flat: dict[str, str] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        key = ".".join(loc) or "__all__"
        kind = err.get("type", "")
        if kind == "missing":
            message = texts.REQUIRED
        elif kind.endswith("_parsing") or kind.endswith("_type"):
            message = texts.INVALID
        else:
            message = str(err.get("msg", texts.INVALID))
        flat.setdefault(key, message)
    return flat


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": "入力内容に誤りがあります。",
                                         "errors": _flatten_errors(exc.errors)}, status=422)


@api.exception_handler(ValidationError)
def _django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
        detail = next(iter(errors.values()), "入力内容に誤りがあります。")
        return api.create_response(request, {"detail": detail, "errors": errors}, status=400)
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=400)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "認証が必要です。"}, status=401)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "この操作は許可されていません。"},
                               status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "見つかりません。"}, status=404)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _register_routers() -> None:
    from kasane.accounts.api import router as accounts_router
    from kasane.cases.api import router as cases_router
    from kasane.meetings.api import router as meetings_router
    from kasane.notify.api import router as notify_router
    from kasane.pdca.api import router as pdca_router
    from kasane.people.api import router as people_router
    from kasane.sheets.api import router as sheets_router
    from kasane.stats.api import router as stats_router

    api.add_router("", accounts_router)
    api.add_router("", people_router)
    api.add_router("", sheets_router)
    api.add_router("", cases_router)
    api.add_router("", meetings_router)
    api.add_router("", notify_router)
    api.add_router("/stats", stats_router)
    api.add_router("/pdca", pdca_router)


_register_routers()
