"""Who may download a background file: its creator, acting as the membership that started it,
while the kind still allows that membership. Every download is logged with the job's basis;
a refusal of an existing job is logged too (basis ``denied``) and looks like a missing one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kasane.accounts.models import Actor
from kasane.audit.models import Basis
from kasane.audit.services import access_log

from .kinds import KINDS
from .models import ExportJob


def _allowed(actor: Actor, job: ExportJob) -> bool:
    if not actor.is_active or actor.pk != job.membership_id:
        return False
    try:
        kind = KINDS.one(job.kind)
    except KeyError:
        return False
    return kind.allowed(actor)


def require_own_job(*, actor: Actor | None, pk: int) -> ExportJob:
    """The job (status page) of ``actor``; 404 for anyone else (a refusal, logged)."""
    job = ExportJob.objects.filter(pk=pk).first()
    if job is None or actor is None:
        raise Http404("出力ファイルが見つかりません。")
    if not _allowed(actor, job):
        access_log(user=actor.user, action="export_view", basis=Basis.DENIED,
                   organization_id=actor.organization_id, object_type="export_job",
                   object_id=job.pk)
        raise Http404("出力ファイルが見つかりません。")
    return job


def require_download(*, actor: Actor | None, pk: int) -> ExportJob:
    """The finished file of ``actor``'s job, its download logged with the job's basis."""
    job = require_own_job(actor=actor, pk=pk)
    assert actor is not None
    if job.expired or not job.file:
        raise PermissionDenied("保存期間が過ぎたか、まだできていないファイルです。もう一度出力してください。")
    access_log(user=actor.user, action="export_download", basis=job.basis,
               organization_id=actor.organization_id, object_type="export_job",
               object_id=job.pk, detail=job.title)
    return job
