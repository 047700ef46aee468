"""The REST API root (/api/v1/). Each app contributes a ninja Router from its ``api.py``.

Auth: a bearer token (``Authorization: Bearer ksn_…``) for systems, or the browser session
(with CSRF) for htmx pages. Every error is JSON ``{"detail": "..."}`` with a 4xx status.
"""

from __future__ import annotations

import json
from contextlib import suppress
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.views import openapi_view
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


ERROR_DESCRIPTIONS = {"400": "Bad Request", "401": "Unauthorized", "403": "Forbidden",
                      "404": "Not Found", "422": "Unprocessable Entity",
                      "429": "Too Many Requests"}


class KasaneAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists every status the root's handlers can answer
    (issue 22 finding 6: undocumented status codes). A router's own ``response=`` entry wins;
    the root adds 401/403 to authenticated operations, 404 to those with path parameters, 400
    to those with a body (a service's ValidationError) and 422 to all (schema errors, NUL)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("Detail", {"title": "Detail", "type": "object",
                                         "properties": {"detail": {"title": "Detail", "type": "string"}},
                                         "required": ["detail"]})
        components["ValidationErrorOut"] = {
            "title": "ValidationErrorOut", "type": "object", "required": ["detail"],
            "properties": {"detail": {"title": "Detail", "type": "string"},
                           "errors": {"title": "Errors", "type": "object",
                                      "additionalProperties": {"type": "string"}}}}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                for code in self._error_codes(path, method, operation):
                    ref = "ValidationErrorOut" if code in ("400", "422") else "Detail"
                    if code in operation["responses"] or int(code) in operation["responses"]:
                        continue
                    operation["responses"].setdefault(int(code), {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}})
        return schema

    @staticmethod
    def _error_codes(path: str, method: str, operation: dict[str, Any]) -> list[str]:
        codes = ["422"]
        if operation.get("security"):
            codes += ["401", "403"]
        if "{" in path:
            codes.append("404")
        if "requestBody" in operation:
            codes.append("400")
        if path.endswith("/auth/token") and method == "post":
            codes.append("429")
        return codes


def _docs_gate(view: Any) -> Any:
    """The interactive documentation (/api/v1/docs) needs a signed-in (and, where required,
    MFA-verified) user unless ``KASANE_API_DOCS_PUBLIC`` (off in production); the schema
    /api/v1/openapi.json stays public (a contract)."""
    if getattr(view, "func", None) is not openapi_view:
        return view

    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated and (
            not account_services.mfa_required() or user.is_verified())
        if not settings.KASANE_API_DOCS_PUBLIC and not signed_in:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return gated


api = KasaneAPI(
    title="Kasane API",
    docs_decorator=_docs_gate,
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


NUL_MESSAGE = texts.NUL_CHARACTER


def _nul_fields(value: Any, path: str = "") -> list[str]:
    """Dotted paths of the strings (or keys) in parsed JSON that contain a NUL character."""
    if isinstance(value, str):
        return [path or "__all__"] if "\x00" in value else []
    if isinstance(value, dict):
        found = [path or "__all__"] if any("\x00" in str(k) for k in value) else []
        for key, item in value.items():
            found += _nul_fields(item, f"{path}.{key}" if path else str(key))
        return found
    if isinstance(value, list):
        return [f for i, item in enumerate(value) for f in _nul_fields(item, f"{path}.{i}" if path else str(i))]
    return []


def _refuse_nul(view: Any) -> Any:
    """Every operation: a NUL character in the query or a JSON body answers 422 before any
    validation or service runs (PostgreSQL cannot store it; issue 22 finding 6). File uploads
    (multipart) are not inspected: binary files contain NUL bytes."""
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        fields = [key for key, values in request.GET.lists()
                  if "\x00" in key or any("\x00" in v for v in values)]
        fields += [k for k, v in kwargs.items() if isinstance(v, str) and "\x00" in v]
        if request.content_type == "application/json" and b"\\u0000" in request.body:
            with suppress(ValueError):  # ninja answers an unparsable body itself
                fields += _nul_fields(json.loads(request.body))
        if fields:
            return api.create_response(request, {"detail": f"{fields[0]}: {NUL_MESSAGE}",
                                                 "errors": dict.fromkeys(fields, NUL_MESSAGE)},
                                       status=422)
        return view(request, *args, **kwargs)

    return wrapper


api.add_decorator(_refuse_nul, mode="view")


def _register_routers() -> None:
    from kasane.accounts.api import router as accounts_router
    from kasane.areas.api import router as areas_router
    from kasane.cases.api import router as cases_router
    from kasane.community.api import router as community_router
    from kasane.meetings.api import router as meetings_router
    from kasane.notify.api import router as notify_router
    from kasane.pdca.api import router as pdca_router
    from kasane.people.api import router as people_router
    from kasane.resources.api import router as resources_router
    from kasane.sheets.api import router as sheets_router
    from kasane.stats.api import router as stats_router

    api.add_router("", accounts_router)
    api.add_router("", people_router)
    api.add_router("", sheets_router)
    api.add_router("", cases_router)
    api.add_router("", meetings_router)
    api.add_router("", notify_router)
    api.add_router("", areas_router)
    api.add_router("", resources_router)
    api.add_router("", community_router)
    api.add_router("/stats", stats_router)
    api.add_router("/pdca", pdca_router)


_register_routers()
