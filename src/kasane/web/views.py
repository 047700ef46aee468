"""Home, health check and Japanese error pages (JSON under /api/)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from kasane.accounts.http import membership_of
from kasane.core import inbox


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request)
    sections = inbox.sections_for(request.user, membership)
    return render(request, "web/home.html", {
        "sections": sections, "actions": inbox.actions_for(sections),
    })


def bench_bare(request: HttpRequest) -> HttpResponse:
    """``./kasane bench web``'s baseline: the cheapest Django view (mounted only with
    KASANE_BENCH_VIEWS). The request still passes every middleware; nothing reads the database."""
    return HttpResponse(b"ok", content_type="text/plain")


@login_required
def bench_signed_in(request: HttpRequest) -> HttpResponse:
    """``./kasane bench web``'s floor (mounted only with KASANE_BENCH_VIEWS): what every
    signed-in page pays — the whole middleware chain with the session, the user, the MFA gate
    and the acting membership — plus the base layout rendered around an empty body."""
    return render(request, "web/bench_signed_in.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not ok"
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


FAVICON = Path(__file__).resolve().parent / "static" / "kasane" / "favicon.ico"


@cache
def _favicon() -> bytes:
    return FAVICON.read_bytes()


@require_GET
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``: browsers ask for it on every page whatever the page links to (the
    layout links the hashed SVG). Cacheable for a week; no login needed."""
    return HttpResponse(_favicon(), content_type="image/x-icon")


ERRORS = {
    400: ("リクエストが正しくありません", "入力内容をご確認のうえ、もう一度お試しください。"),
    403: ("この操作は許可されていません", "権限がないか、法的根拠（本人同意・支援会議など）がありません。"),
    404: ("ページが見つかりません", "URLが正しいか、閲覧できる情報かをご確認ください。"),
    500: ("システムエラーが発生しました", "しばらくしてから再度お試しください。続く場合は管理者にご連絡ください。"),
}


def _error(request: HttpRequest, status: int, message: str | None = None) -> HttpResponse:
    title, hint = ERRORS[status]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or title}, status=status)
    return render(request, "web/error.html",
                  {"title": title, "hint": message or hint, "status": status}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else None
    return _error(request, 403, message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, 403, "画面の有効期限が切れたか、不正な送信です。ページを再読み込みしてから操作してください。")
