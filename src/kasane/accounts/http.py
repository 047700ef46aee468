"""The acting membership of a request (set by ``accounts.middleware``), typed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import Actor, User


def membership_of(request: HttpRequest) -> Actor | None:
    """``request.membership``: the acting membership, or None (no session, or no membership)."""
    member = getattr(request, "membership", None)
    return member if isinstance(member, Actor) else None


PASSIVE_ATTR = "kasane_passive"


def mark_passive(request: HttpRequest) -> None:
    """This request is not the user's activity: it does not renew the session's idle timeout
    (see ``middleware.SessionMiddleware``)."""
    setattr(request, PASSIVE_ATTR, True)


def is_passive(request: HttpRequest) -> bool:
    return bool(getattr(request, PASSIVE_ATTR, False))


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a ``login_required`` view (PermissionDenied for anyone else)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("ログインしてください。")
    return user
