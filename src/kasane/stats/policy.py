"""Who may read statistics: the 事務局 and 委員 (figures only, never personal data)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from kasane.accounts.models import Actor, Role

READERS = frozenset({Role.SECRETARIAT, Role.COMMITTEE})


def can_read(actor: Actor | None) -> bool:
    return actor is not None and actor.is_active and actor.role in READERS


def require_read(actor: Actor | None) -> Actor:
    if actor is None or not can_read(actor):
        raise PermissionDenied("統計は事務局と委員だけが閲覧できます。")
    return actor
