"""A background file: its page (progress, polled by htmx) and its download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kasane.accounts.http import membership_of
from kasane.core.streaming import FileDownloadResponse

from . import policy


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = policy.require_own_job(actor=membership_of(request), pk=pk)
    return render(request, "exports/detail.html", {"job": job})


@login_required
@require_GET
def status(request: HttpRequest, pk: int) -> HttpResponse:
    job = policy.require_own_job(actor=membership_of(request), pk=pk)
    return render(request, "exports/_status.html", {"job": job})


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileDownloadResponse:
    job = policy.require_download(actor=membership_of(request), pk=pk)
    response = FileDownloadResponse(job.file.open("rb"), as_attachment=True,
                                    filename=job.filename, content_type=job.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
