"""Who may do what with the resource directory (not personal data; roles through accounts).

Every active member of the tenant may read the directory (places are what CSWs propose). The
社協's staff (any role but 監査・委員) and the 事務局 / coordinators edit it, import returned
居場所調査 sheets, review the proposed changes and publish.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from kasane.accounts.models import Actor, OrganizationKind, Role

EDITOR_ROLES = frozenset({Role.SECRETARIAT, Role.COORDINATOR})
NOT_SHAKYO_STAFF = frozenset({Role.AUDITOR, Role.COMMITTEE})
NOT_EDITOR = "社会資源の編集・公開は社協の職員と事務局が行います。"
NOT_MEMBER = "所属を選んでからご利用ください。"


def can_read(actor: Actor | None) -> bool:
    return actor is not None and actor.is_active


def require_read(actor: Actor | None) -> Actor:
    if actor is None or not can_read(actor):
        raise PermissionDenied(NOT_MEMBER)
    return actor


def can_edit(actor: Actor | None) -> bool:
    if actor is None or not actor.is_active:
        return False
    if actor.role in EDITOR_ROLES:
        return True
    return (actor.organization.kind == OrganizationKind.SHAKYO
            and actor.role not in NOT_SHAKYO_STAFF)


def require_edit(actor: Actor | None) -> Actor:
    if actor is None or not can_edit(actor):
        raise PermissionDenied(NOT_EDITOR)
    return actor


def tenant_id(actor: Actor) -> int:
    return int(actor.organization.municipality_id)
