"""Start, build and clean up background files (``ExportJob``)."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.utils import timezone

from kasane.accounts.models import Actor, Membership
from kasane.audit.context import request_context

from .events import EXPORT_FINISHED
from .kinds import KINDS, Params
from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 0.5


def job_start(*, actor: Actor, kind: str, params: Params, title: str, filename: str,
              content_type: str, basis: str, back_url: str = "") -> ExportJob:
    """Queue a file of ``kind`` for ``actor`` (the db_worker builds it: ``tasks.run_export``)."""
    from .tasks import run_export

    spec = KINDS.one(kind)
    if not actor.is_active or not spec.allowed(actor):
        raise PermissionDenied("この出力を行う権限がありません。")
    job = ExportJob.objects.create(
        kind=kind, params=dict(params), title=title[:200], filename=filename[:200],
        content_type=content_type, basis=basis, back_url=back_url[:300],
        municipality_id=actor.organization.municipality_id,
        organization_id=actor.organization_id, created_by_id=actor.user_id, membership=actor)
    run_export.enqueue(job.pk)
    return job


def _update(job: ExportJob, **fields: object) -> None:
    ExportJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def _fail(job: ExportJob, message: str) -> ExportJob:
    _update(job, status=ExportStatus.FAILED, message=message, finished_at=timezone.now())
    return job


def job_run(job_id: int) -> ExportJob:
    """Build the file of a queued job as the membership that started it (in the worker)."""
    job = ExportJob.objects.select_related("membership__organization", "membership__user").get(
        pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return job  # already built (a task run twice)
    actor: Membership = job.membership
    try:
        spec = KINDS.one(job.kind)
    except KeyError:
        return _fail(job, "この種類の出力は利用できなくなりました。")
    if not (actor.is_active and actor.organization.is_active and spec.allowed(actor)):
        return _fail(job, "出力する権限がなくなったため、作成しませんでした。")
    _update(job, status=ExportStatus.RUNNING, started_at=timezone.now())
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_SECONDS or (total and done >= total):
            last = now
            _update(job, done=done, total=total)

    try:
        with request_context(user_id=actor.user_id, organization_id=actor.organization_id,
                             municipality_id=actor.organization.municipality_id), \
                tempfile.TemporaryFile() as out:
            spec.build(actor, job.params, out, progress)
            size = out.tell()
            out.seek(0)
            job.file.save(job.filename, File(out), save=False)
    except Exception:
        logger.exception("export job %s (%s) failed", job.pk, job.kind)
        return _fail(job, "作成中にエラーが発生しました。もう一度お試しください。"
                          "続く場合は管理者にご連絡ください。")
    _update(job, status=ExportStatus.DONE, file=job.file.name, size=size,
            finished_at=timezone.now(), done=max(job.done, job.total))
    EXPORT_FINISHED.emit(municipality_id=job.municipality_id, job_id=job.pk, status=job.status)
    return job


def jobs_cleanup(*, now: dt.datetime | None = None) -> int:
    """Delete the files of jobs older than ``KASANE_EXPORT_KEEP_HOURS``; the rows stay
    (expired) for the record. Returns how many files were deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.KASANE_EXPORT_KEEP_HOURS)
    removed = 0
    for job in ExportJob.objects.filter(status=ExportStatus.DONE, finished_at__lt=cutoff):
        if job.file:
            job.file.delete(save=False)
            removed += 1
        _update(job, status=ExportStatus.EXPIRED, file="")
    # a job the worker never finished (it was stopped) is failed after the same time
    ExportJob.objects.filter(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING],
                             created_at__lt=cutoff).update(
        status=ExportStatus.FAILED, message="作成されないまま保存期間が過ぎました。",
        finished_at=now or timezone.now())
    return removed
