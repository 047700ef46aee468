"""The acting membership of a screen or API request, for apps that handle persons."""

from __future__ import annotations

from django.http import HttpRequest

from kasane.accounts.http import membership_of
from kasane.accounts.models import Actor

from . import policy


def acting(request: HttpRequest, message: str) -> Actor:
    """``request.membership`` when it may handle persons; otherwise the refusal is logged
    (with the path) and PermissionDenied(message) raised."""
    return policy.require_handler(membership_of(request), message=message,
                                  detail=request.path)
