"""Per-request account gate: acting membership, audit context, MFA enforcement.

Sync and async: under ASGI the user comes from ``request.auser()`` (django-otp marks it
verified or not) and the acting membership from one ``sync_to_async`` step; the resolved user
is then put on ``request.user`` so sync views below do not look it up a second time.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect

from kasane.audit import context

from . import services
from .http import is_passive

SESSION_MEMBERSHIP_KEY = "kasane_membership_id"
ACTIVE_MEMBERSHIPS_ATTR = "kasane_active_memberships"
# Paths reachable after the password step but before the second factor.
MFA_EXEMPT_PREFIXES = ("/accounts/login", "/accounts/logout", "/accounts/otp", "/static/",
                       "/healthz", "/api/", "/favicon.ico")


def _acting(request: HttpRequest, user: Any, membership_id: int | None) -> Any:
    """The acting membership; the user's active memberships are kept on the request
    (``ACTIVE_MEMBERSHIPS_ATTR``) for the layout's membership switcher: one query, not two."""
    memberships = services.user_active_memberships(user)
    setattr(request, ACTIVE_MEMBERSHIPS_ATTR, memberships)
    return services.membership_among(memberships, membership_id)


class SecurityGateMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self.__acall__(request)
        user = request.user
        membership = None
        if user.is_authenticated:
            membership = _acting(request, user, request.session.get(SESSION_MEMBERSHIP_KEY))
        blocked = self._gate(request, user, membership)
        if blocked is not None:
            return blocked
        response: HttpResponseBase = self.get_response(request)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        user = await request.auser()
        request.user = user
        membership = None
        if user.is_authenticated:
            membership_id = await request.session.aget(SESSION_MEMBERSHIP_KEY)
            membership = await sync_to_async(_acting)(request, user, membership_id)
        blocked = self._gate(request, user, membership)
        if blocked is not None:
            return blocked
        response: HttpResponseBase = await self.get_response(request)
        return response

    @staticmethod
    def _gate(request: HttpRequest, user: Any, membership: Any) -> HttpResponseBase | None:
        """Record the membership and audit context; the OTP page while MFA is pending."""
        request.membership = membership  # type: ignore[attr-defined]
        if not user.is_authenticated:
            return None
        context.update(
            user_id=user.pk,
            organization_id=membership.organization_id if membership else None,
            municipality_id=user.municipality_id,
        )
        if (services.mfa_required() and not user.is_verified()
                and not request.path.startswith(MFA_EXEMPT_PREFIXES)):
            return redirect("accounts:otp")
        return None


# Session data key: when this session's idle deadline was last pushed back (epoch seconds).
RENEWED_KEY = "kasane_renewed_at"


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, renewing the idle timeout at most once every ``KASANE_SESSION_RENEW_SECONDS``
    (60): a request of a signed-in session whose deadline was pushed back longer ago than that
    saves the session (new ``expire_date``, SESSION_COOKIE_AGE from now); the others write
    nothing unless they changed the session — one UPDATE + commit saved on most pages. The
    deadline is therefore "idle timeout after the last request" to within that many seconds.
    A passive request (``http.mark_passive``: an event stream that reconnects by itself)
    neither saves the session nor renews it: a stream renewing it would keep an unattended
    session alive for as long as its tab stays open."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if is_passive(request):
            return response
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.modified:
            renewed = session.get(RENEWED_KEY, 0)
            if not session.is_empty() and session.session_key is not None and (
                    time.time() - float(renewed) >= settings.KASANE_SESSION_RENEW_SECONDS):
                session[RENEWED_KEY] = int(time.time())  # marks it modified: Django saves it
        return super().process_response(request, response)
