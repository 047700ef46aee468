"""Ids that arrive from forms, URLs and JSON."""

from __future__ import annotations

from typing import Any

NO_ID = 0  # no row has it: a lookup by it finds nothing


def as_id(value: Any) -> int:
    """The positive integer id in ``value`` (an int or a string of digits), else NO_ID."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else NO_ID
    text = str(value or "").strip()
    return int(text) if text.isdigit() else NO_ID
