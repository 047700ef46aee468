"""Reactions of the directory to events of lower apps (registered from ``apps.ready``)."""

from __future__ import annotations

from kasane.areas.events import ADDRESS_TABLE_CHANGED
from kasane.core.events import Occurrence

from .services import rederive_areas


def _table_changed(occurrence: Occurrence) -> None:
    rederive_areas(occurrence.municipality_id)


ADDRESS_TABLE_CHANGED.subscribe(_table_changed)
