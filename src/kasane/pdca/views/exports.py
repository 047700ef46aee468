"""Downloads (PDF, Excel) and the publication page of a 公表 edition."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kasane.accounts.http import membership_of
from kasane.audit.models import Basis
from kasane.audit.services import access_log
from kasane.core.wareki import fiscal_year_label
from kasane.exports.services import job_start

from .. import export_kinds, selectors
from .. import policy as pdca_policy
from ..models import CycleState, PdcaCycle
from ..pdf import layout, render_pdf, scales
from ..xlsx import render_xlsx


def _download(data: bytes, filename: str, fallback: str, content_type: str) -> HttpResponse:
    """An attachment named in Japanese (RFC 5987 ``filename*``) with an ASCII ``filename`` for
    clients that cannot read it."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (f'attachment; filename="{fallback}"; '
                                       f"filename*=UTF-8''{quote(filename)}")
    return response


def _filename(cycle: PdcaCycle, ext: str) -> tuple[str, str]:
    """「進捗管理報告書_令和6年度.pdf」 (「_案」 before 公表), as the report calls its year; the
    ASCII fallback keeps the 西暦 fiscal year."""
    draft = cycle.state != CycleState.PUBLISHED
    name = f"進捗管理報告書_{fiscal_year_label(cycle.fiscal_year)}{'_案' if draft else ''}.{ext}"
    return name, f"pdca-report-FY{cycle.fiscal_year}{'-draft' if draft else ''}.{ext}"


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    membership = pdca_policy.require_read(membership_of(request))
    cycle = selectors.cycle_get(membership, pk)
    access_log(user=request.user, action="pdca.export.pdf", basis=Basis.NOT_PERSONAL,
               object_type="pdca.PdcaCycle", object_id=cycle.pk)
    return _download(render_pdf(selectors.report_for(cycle)), *_filename(cycle, "pdf"),
                     "application/pdf")


@login_required
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    membership = pdca_policy.require_read(membership_of(request))
    cycle = selectors.cycle_get(membership, pk)
    access_log(user=request.user, action="pdca.export.xlsx", basis=Basis.NOT_PERSONAL,
               object_type="pdca.PdcaCycle", object_id=cycle.pk)
    return _download(render_xlsx(selectors.report_for(cycle)), *_filename(cycle, "xlsx"),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
@require_POST
def report_export(request: HttpRequest, pk: int) -> HttpResponse:
    """PDF / Excel / CSV as a background file (``kasane.exports``): the user watches the
    progress and downloads it when ready, instead of waiting on this request."""
    membership = pdca_policy.require_read(membership_of(request))
    cycle = selectors.cycle_get(membership, pk)
    fmt = request.POST.get("format", "")
    if fmt not in export_kinds.KIND_OF:
        raise Http404
    name, _fallback = _filename(cycle, fmt)
    job = job_start(actor=membership, kind=export_kinds.KIND_OF[fmt],
                    params={"cycle_id": cycle.pk},
                    title=f"{cycle} 報告書（{fmt.upper()}）", filename=name,
                    content_type=export_kinds.CONTENT_TYPES[fmt], basis=Basis.NOT_PERSONAL,
                    back_url=reverse("pdca:cycle", args=[cycle.pk]))
    return redirect("exports:detail", pk=job.pk)


def public(request: HttpRequest, pk: int) -> HttpResponse:
    """The published report as a public web page (no login: only 公表 editions)."""
    cycle = selectors.published_cycle(pk)
    edition = cycle.editions.order_by("-number").first()
    if edition is None:
        raise Http404
    report = edition.snapshot
    return render(request, "pdca/public.html", {
        "cycle": cycle, "edition": edition, "report": report, "plans": layout(report),
        "scales": scales(report),
        "editions": cycle.editions.order_by("number")})
