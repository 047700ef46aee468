"""Background work (django-tasks, database queue): seal new audit rows."""

from __future__ import annotations

from django_tasks import task

from . import sealing


@task()
def seal_audit() -> int:
    """Seal every safely sealable audit row; return the number of new seals."""
    return len(sealing.seal_pending())
