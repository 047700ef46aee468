"""Ids that arrive from forms, URLs and JSON."""

from __future__ import annotations

from typing import Any

NO_ID = 0  # no row has it: a lookup by it finds nothing
MAX_ID = 2**63 - 1  # the largest id a BigAutoField (and PostgreSQL bigint) can hold
MAX_OFFSET = 2**31 - 1  # the largest list offset the API accepts (422 beyond)


def in_id_range(value: int) -> bool:
    """Whether ``value`` could be an id at all (1 … MAX_ID): larger ones overflow the database."""
    return 0 < value <= MAX_ID


def as_id(value: Any) -> int:
    """The positive integer id in ``value`` (an int or a string of digits), else NO_ID
    (also for numbers beyond 64 bits: no row has them)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if in_id_range(value) else NO_ID
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 19:
        return NO_ID
    number = int(text)
    return number if in_id_range(number) else NO_ID
