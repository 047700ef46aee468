"""Reads of background files for screens."""

from __future__ import annotations

from django.db.models import QuerySet

from kasane.accounts.models import Actor

from .models import ExportJob


def recent_jobs(actor: Actor, *, kind: str, limit: int = 5,
                **params: str | int) -> QuerySet[ExportJob]:
    """``actor``'s latest jobs of ``kind`` whose params include ``params``."""
    lookups = {f"params__{key}": value for key, value in params.items()}
    return ExportJob.objects.filter(membership_id=actor.pk, kind=kind, **lookups)[:limit]
