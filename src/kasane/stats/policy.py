"""Who may read statistics. Figures only, never personal data, except in drill-down lists,
which go through ``cases.policy`` (stats/records.py).

- 事務局, 委員 and 相談支援包括化推進員 read the metric list, dashboards and one metric
  (委員 with small cells suppressed, spec/reporting.md B.5: their papers leave the office);
- 事務局 and 推進員 read the national report and its 点検 list.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from kasane.accounts.models import Actor, Role

READERS = frozenset({Role.SECRETARIAT, Role.COMMITTEE, Role.COORDINATOR})
NATIONAL_READERS = frozenset({Role.SECRETARIAT, Role.COORDINATOR})


def can_read(actor: Actor | None) -> bool:
    return actor is not None and actor.is_active and actor.role in READERS


def require_read(actor: Actor | None) -> Actor:
    if actor is None or not can_read(actor):
        raise PermissionDenied("統計は事務局・委員・相談支援包括化推進員だけが閲覧できます。")
    return actor


require_metric = require_read


def can_read_national(actor: Actor | None) -> bool:
    return actor is not None and actor.is_active and actor.role in NATIONAL_READERS


def require_national(actor: Actor | None) -> Actor:
    """The national report (and its 点検 list): 事務局 and 相談支援包括化推進員."""
    if actor is None or not can_read_national(actor):
        raise PermissionDenied("国への報告は事務局と相談支援包括化推進員だけが閲覧できます。")
    return actor


def must_suppress(actor: Actor) -> bool:
    """Figures shown to 委員 leave the office's internal circle: small cells are suppressed."""
    return actor.role == Role.COMMITTEE


def can_edit_model_report(actor: Actor) -> bool:
    """The model-project report's texts are written by the 事務局."""
    return actor.is_active and actor.role == Role.SECRETARIAT
