"""Export (CSV / Excel) and import (upload → column mapping → check → commit) screens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kasane.core.streaming import StreamingResponse
from kasane.exports import selectors as export_selectors
from kasane.exports import services as export_jobs

from .. import codec, exports, imports, selectors
from .. import policy as sheet_policy
from ..models import SheetImport
from ._common import actor_of, error_dict


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest, code: str) -> HttpResponse | StreamingResponse:
    """The export page; CSV streams at once (``?format=csv``); Excel (POST) becomes a
    background file the user downloads when it is ready (``kasane.exports``)."""
    actor = sheet_policy.require_exchange(actor_of(request))
    fmt = request.POST.get("format", "") if request.method == "POST" else request.GET.get("format", "")
    if request.method == "POST" and fmt == "xlsx":
        definition = selectors.definition_current(
            municipality_id=actor.organization.municipality_id, code=code)
        job = export_jobs.job_start(
            actor=actor, kind=exports.XLSX_KIND, params={"code": code},
            title=f"{definition.title} の出力（Excel）", filename=f"{code}.xlsx",
            content_type=exports.XLSX_TYPE, basis=exports.export_basis(definition),
            back_url=reverse("sheets:export", args=[code]))
        return redirect("exports:detail", pk=job.pk)
    if fmt != "csv":
        definition = selectors.definition_current(
            municipality_id=actor.organization.municipality_id, code=code)
        return render(request, "sheets/export.html", {
            "definition": definition, "encodings": exports.ENCODINGS,
            "jobs": export_selectors.recent_jobs(actor, kind=exports.XLSX_KIND, code=code),
            "keep_hours": settings.KASANE_EXPORT_KEEP_HOURS})
    definition, qs = exports.export_records(actor=actor, code=code)
    encoding = request.GET.get("encoding", "utf-8-sig")
    if encoding not in exports.ENCODINGS:
        encoding = "utf-8-sig"
    # Rows leave in batches as they are read: constant memory, and under ASGI no thread or
    # database connection is held between batches while the client downloads (core.streaming).
    stream = StreamingResponse(
        exports.csv_stream(actor=actor, definition=definition, qs=qs, encoding=encoding),
        content_type=f"text/csv; charset={'shift_jis' if encoding == 'cp932' else 'utf-8'}",
        any_thread=True)
    stream["Content-Disposition"] = f'attachment; filename="{code}.csv"'
    return stream


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    sheet_policy.require_exchange(actor)
    definitions = selectors.definitions_current(municipality_id=actor.organization.municipality_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError({"file": ["ファイルを選んでください。"]})
            job = imports.import_create(actor=actor, code=request.POST.get("code", ""),
                                        upload=upload)
            return redirect("sheets:import_detail", pk=job.pk)
        except ValidationError as exc:
            errors = error_dict(exc)
    recent = selectors.imports_recent(actor)
    return render(request, "sheets/import_upload.html",
                  {"definitions": definitions, "errors": errors, "recent": recent,
                   "code": request.POST.get("code", request.GET.get("sheet", ""))},
                  status=400 if errors else 200)


def _job(request: HttpRequest, pk: int) -> tuple[Any, SheetImport]:
    actor = actor_of(request)
    sheet_policy.require_exchange(actor)
    return actor, selectors.import_of(actor, pk)


def _mapping_rows(job: SheetImport) -> list[dict[str, Any]]:
    cols = [c for c in codec.columns(job.definition.schema) if codec.importable(c)]
    return [{"index": str(i), "header": h, "path": job.mapping.get(str(i), ""),
             "choices": [(c.path, c.label) for c in cols]} for i, h in enumerate(job.headers)]


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor, job = _job(request, pk)
    errors: dict[str, str] = {}
    if request.method == "POST":
        mapping = {str(i): request.POST.get(f"col-{i}", "") for i in range(len(job.headers))}
        try:
            imports.import_check_start(actor=actor, job=job, mapping=mapping,
                                       skip_invalid=request.POST.get("skip_invalid") == "1")
            return redirect("sheets:import_detail", pk=job.pk)
        except ValidationError as exc:
            errors = error_dict(exc)
    return render(request, "sheets/import_detail.html",
                  {"job": job, "rows": _mapping_rows(job), "errors": errors},
                  status=400 if errors else 200)


@login_required
@require_GET
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    _actor, job = _job(request, pk)
    return render(request, "sheets/_import_status.html", {"job": job})


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    actor, job = _job(request, pk)
    try:
        imports.import_commit_start(actor=actor, job=job,
                                    skip_invalid=request.POST.get("skip_invalid") == "1")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("sheets:import_detail", pk=job.pk)
