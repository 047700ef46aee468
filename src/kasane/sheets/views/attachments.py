"""An attachment of a sheet record, streamed through the record's access decision."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.views.decorators.http import require_GET

from kasane.core.streaming import FileDownloadResponse

from .. import policy as sheet_policy
from ..models import SheetAttachment
from ._common import actor_of


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileDownloadResponse:
    """Inline (images, PDF) or, with ``?download=1``, as a download. Never cached, never
    sniffed by the browser; images are sandboxed (Chrome refuses to show a PDF in a sandbox,
    so PDFs keep the site's CSP)."""
    att = sheet_policy.require_attachment(actor=actor_of(request), pk=pk)
    return file_response(att, download=bool(request.GET.get("download")))


def file_response(att: SheetAttachment, *, download: bool) -> FileDownloadResponse:
    """The stored file with safe headers (also used by the API)."""
    disposition = "attachment" if download else "inline"
    response = FileDownloadResponse(att.file.open("rb"), content_type=att.content_type)
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(att.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if att.is_image:
        response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return response
