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
CONFIRMERS = frozenset({Role.COORDINATOR})
"""Who confirm their organization's own figures of the national report (B.4 機関確認)."""


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


def can_manage_submission(actor: Actor | None) -> bool:
    """The national report's workflow (確定・提出・戻す) and its typed cells: 事務局."""
    return actor is not None and actor.is_active and actor.role == Role.SECRETARIAT


def require_submission_manager(actor: Actor | None) -> Actor:
    if actor is None or not can_manage_submission(actor):
        raise PermissionDenied("国への報告の段階を動かし、手入力の値を入れるのは事務局です。")
    return actor


def can_confirm(actor: Actor | None) -> bool:
    """An organization's 相談支援包括化推進員 confirm its own figures (機関確認)."""
    return actor is not None and actor.is_active and actor.role in CONFIRMERS


def require_confirmer(actor: Actor | None) -> Actor:
    if actor is None or not can_confirm(actor):
        raise PermissionDenied("機関の数字を確認できるのは、その機関の相談支援包括化推進員です。")
    return actor
