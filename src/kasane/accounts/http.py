"""The acting membership of a request (set by ``accounts.middleware``), typed."""

from __future__ import annotations

from django.http import HttpRequest

from .models import Actor


def membership_of(request: HttpRequest) -> Actor | None:
    """``request.membership``: the acting membership, or None (no session, or no membership)."""
    member = getattr(request, "membership", None)
    return member if isinstance(member, Actor) else None
