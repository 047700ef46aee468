"""Downloads of the published directory for residents (no personal data)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kasane.areas.models import Area
from kasane.audit.models import Basis
from kasane.audit.services import access_log

from .. import metrics, policy, public, selectors
from ..models import PlaceKind
from .places import reader


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    muni_id = policy.tenant_id(actor)
    areas = list(selectors.daily_life_areas(muni_id))
    return render(request, "resources/public.html", {
        "areas": areas, "count": selectors.published(muni_id).count(),
        "table": figures(muni_id, areas)})


def figures(muni_id: int, areas: list[Area]) -> dict[str, Any]:
    """Published places by kind (rows) and 圏域 (columns, 未設定 last), with totals."""
    counts = metrics.places_by_kind_and_area(muni_id)
    columns = [(a.code, a.name) for a in areas] + [(metrics.UNASSIGNED, "未設定")]
    cells_by_kind = [(label, [counts.get((kind, code), 0) for code, _ in columns])
                     for kind, label in PlaceKind.choices]
    rows = [(label, cells, sum(cells)) for label, cells in cells_by_kind if any(cells)]
    return {"columns": [name for _, name in columns], "rows": rows,
            "totals": [sum(r[1][i] for r in rows) for i in range(len(columns))]}


@login_required
@require_GET
def download(request: HttpRequest, kind: str) -> HttpResponse:
    """``kind``: html (zip), csv, pdf (every 圏域; ``?area=CODE`` for one)."""
    actor = reader(request)
    if kind not in ("html", "csv", "pdf"):
        raise Http404
    muni = selectors.tenant(policy.tenant_id(actor))
    area = request.GET.get("area", "")[:20]
    access_log(user=actor.user, action="resources.public.export", basis=Basis.NOT_PERSONAL,
               organization_id=actor.organization_id, object_type="resources.Place",
               detail=f"{kind} {area}".strip())
    if kind == "html":
        return _download(public.html_zip(muni), "application/zip", "directory-html.zip")
    if kind == "csv":
        return _download(public.csv_bytes(muni), "text/csv; charset=utf-8", "directory.csv")
    return _download(public.pdf_bytes(muni, area), "application/pdf",
                     f"directory{'-' + area if area else ''}.pdf")
