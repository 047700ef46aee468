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


NATIONAL_READERS = frozenset({Role.SECRETARIAT, Role.COORDINATOR})
METRIC_READERS = READERS | {Role.COORDINATOR}


def require_national(actor: Actor | None) -> Actor:
    """The national report (and its 点検 list): 事務局 and 相談支援包括化推進員."""
    if actor is None or not actor.is_active or actor.role not in NATIONAL_READERS:
        raise PermissionDenied("国への報告は事務局と相談支援包括化推進員だけが閲覧できます。")
    return actor


def require_metric(actor: Actor | None) -> Actor:
    """One metric's value: 事務局, 委員 (small counts suppressed) and 推進員."""
    if actor is None or not actor.is_active or actor.role not in METRIC_READERS:
        raise PermissionDenied("統計は事務局・委員・相談支援包括化推進員だけが閲覧できます。")
    return actor


def must_suppress(actor: Actor) -> bool:
    """Figures shown to 委員 leave the office's internal circle: small cells are suppressed."""
    return actor.role == Role.COMMITTEE
