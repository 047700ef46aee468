"""Per-request account gate: acting membership, audit context, MFA enforcement."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from kasane.audit import context

from . import services

SESSION_MEMBERSHIP_KEY = "kasane_membership_id"
# Paths reachable after the password step but before the second factor.
MFA_EXEMPT_PREFIXES = ("/accounts/login", "/accounts/logout", "/accounts/otp", "/static/",
                       "/healthz", "/api/")


class SecurityGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            membership = services.membership_for(user, request.session.get(SESSION_MEMBERSHIP_KEY))
            request.membership = membership  # type: ignore[attr-defined]
            context.update(
                user_id=user.pk,
                organization_id=membership.organization_id if membership else None,
                municipality_id=user.municipality_id,
            )
            if (services.mfa_required() and not user.is_verified()  # type: ignore[attr-defined]
                    and not request.path.startswith(MFA_EXEMPT_PREFIXES)):
                return redirect("accounts:otp")
        return self.get_response(request)
