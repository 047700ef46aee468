"""Background work (django-tasks, database queue): import check and commit."""

from __future__ import annotations

from django_tasks import task

from kasane.accounts.models import Membership

from . import imports
from .models import SheetImport


@task()
def import_check(import_id: int) -> int:
    job = SheetImport.objects.select_related("definition").get(pk=import_id)
    return imports.run_check(job).processed_rows


@task()
def import_commit(import_id: int) -> int:
    job = SheetImport.objects.select_related("definition", "created_by").get(pk=import_id)
    actor = Membership.objects.filter(user_id=job.created_by_id, organization_id=job.organization_id,
                                      is_active=True).first()
    return imports.run_commit(job, actor_membership=actor).created_count
