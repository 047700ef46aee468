from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from kasane.accounts import services as account_services
from kasane.accounts.http import membership_of
from kasane.accounts.tenants import is_platform_operator

from .navigation import PLATFORM_ITEM, nav_for


def kasane(request: HttpRequest) -> dict[str, Any]:
    membership = membership_of(request)
    user = getattr(request, "user", None)
    memberships = (
        account_services.user_active_memberships(user)
        if user is not None and user.is_authenticated else []
    )
    return {
        "site_name": settings.SITE_NAME,
        "demo_mode": settings.DEMO_MODE,
        "membership": membership,
        "memberships": memberships,
        "nav_items": nav_for(membership.role if membership else None) + (
            [PLATFORM_ITEM] if user is not None and is_platform_operator(user) else []),
    }
