"""Demo meetings (issue 7)."""

from typing import Any


def load(data: dict[str, Any]) -> None:
    """Idempotent: a monthly 支援会議 and 重層的支援会議 with past minutes and an upcoming agenda."""
