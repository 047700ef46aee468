"""Optimistic locking for records edited on screens and through the API (``lock_version``)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


class Conflict(Exception):
    """A stale ``lock_version``: someone saved the record after the editor loaded it."""

    def __init__(self, current: Any, message: str = "") -> None:
        self.current = current
        super().__init__(message or "他の職員が先に保存しました。最新の内容を確認してください。")


def check_version(instance: M, expected: int | None) -> M:
    """Lock the row and refuse a stale version (call inside ``transaction.atomic``)."""
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected is not None and int(expected) != locked.lock_version:  # type: ignore[attr-defined]
        raise Conflict(locked)
    return locked
