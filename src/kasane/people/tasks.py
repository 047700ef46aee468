"""Background work (django-tasks, database queue): the 名寄せ batch run."""

from __future__ import annotations

from django_tasks import task

from .models import MatchRun
from .services import matching


@task()
def match_batch(run_id: int) -> int:
    """Score the whole register of the run's municipality; returns new candidates."""
    run = MatchRun.objects.get(pk=run_id)
    # a large import stored no 名寄せ keys for its persons: the run rebuilds them first
    return matching.run_batch(run, rebuild_keys=run.trigger == "import").created
