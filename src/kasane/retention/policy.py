"""retention.policy: who may see the purge report, set holds and change retention periods.

事務局 (secretariat) and 管理者 (admin) of the tenant, through their acting membership. The
report and the holds name records by id only (no person content), so neither role receives
case content by using these screens. Periods are changed by 管理者 only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from kasane.accounts.models import Actor, Role

MANAGE_ROLES = frozenset({Role.SECRETARIAT, Role.ADMIN})


def can_manage(membership: Actor | None) -> bool:
    return membership is not None and membership.is_active and membership.role in MANAGE_ROLES


def require_manage(membership: Actor | None) -> Actor:
    """The acting membership of a 事務局/管理者, else PermissionDenied."""
    if membership is None or not can_manage(membership):
        raise PermissionDenied("保存期間と廃棄を扱う権限がありません。")
    return membership


def can_set_periods(membership: Actor | None) -> bool:
    return can_manage(membership) and membership is not None and membership.role == Role.ADMIN


def require_set_periods(membership: Actor | None) -> Actor:
    if membership is None or not can_set_periods(membership):
        raise PermissionDenied("保存期間を変更できるのは管理者だけです。")
    return membership
