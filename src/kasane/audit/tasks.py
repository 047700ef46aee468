"""Background work (django-tasks, database queue): seal new audit rows."""

from __future__ import annotations

from django_tasks import task

from . import partitions, sealing


@task()
def seal_audit() -> int:
    """Create the coming months' access-log partitions when missing, then seal every safely
    sealable audit row; return the number of new seals."""
    partitions.ensure_ahead()
    return len(sealing.seal_pending())
