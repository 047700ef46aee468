from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest

from kasane.accounts import services as account_services
from kasane.accounts.http import membership_of
from kasane.accounts.middleware import ACTIVE_MEMBERSHIPS_ATTR
from kasane.accounts.tenants import is_platform_operator
from kasane.notify import selectors as notify_selectors

from .navigation import nav_links

CACHE_ATTR = "_kasane_context"


def kasane(request: HttpRequest) -> dict[str, Any]:
    """The layout's context, computed once per request: a page that renders panels or
    partials with ``render_to_string(..., request=request)`` runs every context processor
    again for each of them, and this one asks the database (the user's memberships)."""
    cached: dict[str, Any] | None = getattr(request, CACHE_ATTR, None)
    if cached is None:
        cached = _layout(request)
        setattr(request, CACHE_ATTR, cached)
    return cached


def _layout(request: HttpRequest) -> dict[str, Any]:
    membership = membership_of(request)
    user = getattr(request, "user", None)
    memberships = getattr(request, ACTIVE_MEMBERSHIPS_ATTR, None)  # loaded by the gate
    if memberships is None:
        memberships = (account_services.user_active_memberships(user)
                       if user is not None and user.is_authenticated else [])
    return {
        "site_name": settings.SITE_NAME,
        "demo_mode": settings.DEMO_MODE,
        "membership": membership,
        "memberships": memberships,
        **_nav(membership.role if membership else None,
               user is not None and is_platform_operator(user)),
        **_notify(user),
        # the event stream streams only under ASGI (WSGI would hold it whole): elsewhere the
        # page keeps to the badge's polling
        "live_events": isinstance(request, ASGIRequest),
    }


def _nav(role: str | None, platform: bool) -> dict[str, Any]:
    """The menu: ``nav_items`` (every entry of the role) and ``nav_more`` (those shown under
    「その他」)."""
    items = nav_links(role, platform)
    return {"nav_items": items, "nav_more": [item for item in items if item.more]}


def _notify(user: Any) -> dict[str, Any]:
    """The header's unread count and the alert banner: callables, so a page that does not
    render them (error pages, anonymous) runs no query."""
    if user is None or not user.is_authenticated:
        return {}
    return {"notify_unread": lambda: notify_selectors.unread_count(user),
            "notify_alerts": lambda: list(notify_selectors.unacknowledged_alerts(user)[:3]),
            "notify_poll_seconds": settings.KASANE_BADGE_POLL_SECONDS}
