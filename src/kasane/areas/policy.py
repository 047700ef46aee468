"""Who may do what with the areas master (not personal data; roles only, through accounts).

Every active member of the tenant may read areas (lists, lookups, the API). The 事務局,
coordinators and admins maintain them (import, edit the address table).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from kasane.accounts.models import Actor, Role

MAINTAINERS = frozenset({Role.SECRETARIAT, Role.COORDINATOR, Role.ADMIN})
NOT_MAINTAINER = "圏域と住所の対応表は事務局が管理します。"
NOT_MEMBER = "所属を選んでからご利用ください。"


def can_read(actor: Actor | None) -> bool:
    return actor is not None and actor.is_active


def require_read(actor: Actor | None) -> Actor:
    if actor is None or not can_read(actor):
        raise PermissionDenied(NOT_MEMBER)
    return actor


def can_maintain(actor: Actor | None) -> bool:
    return actor is not None and actor.is_active and actor.role in MAINTAINERS


def require_maintain(actor: Actor | None) -> Actor:
    if actor is None or not can_maintain(actor):
        raise PermissionDenied(NOT_MAINTAINER)
    return actor


def tenant_id(actor: Actor) -> int:
    """The actor's municipality id (the organization's: a membership never crosses tenants)."""
    return int(actor.organization.municipality_id)
