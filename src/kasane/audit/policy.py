"""Who may read the audit trail: 監査 (auditors) of the municipality, read only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from kasane.accounts.models import Actor, Role


def can_read(actor: Actor | None) -> bool:
    return actor is not None and actor.is_active and actor.role == Role.AUDITOR


def require_auditor(actor: Actor | None) -> Actor:
    if actor is None or not can_read(actor):
        raise PermissionDenied("監査ログは監査担当のみが閲覧できます。")
    return actor
