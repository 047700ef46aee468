"""Helpers shared by the 地域づくり screens."""

from __future__ import annotations

from django.http import HttpRequest

from kasane.accounts.http import membership_of
from kasane.accounts.models import Actor

from .. import policy


def viewer(request: HttpRequest, action: str = "view") -> Actor:
    """The acting membership when it may read 地域づくり (403, logged, otherwise)."""
    return policy.require_community_view(membership_of(request), action)


def writer(request: HttpRequest, action: str) -> Actor:
    return policy.require_community_write(membership_of(request), action)
