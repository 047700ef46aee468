"""The offline map (vendored Leaflet, a blank background unless ``KASANE_MAP_TILE_URL`` names an
in-house tile server) and the boundary import."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from kasane.core.forms import add_service_errors

from .. import selectors, services
from ..forms import FileForm
from .common import viewer


@login_required
@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    """支え合いマップ: areas, places and 見守り helpers per area (no resident's data)."""
    actor = viewer(request, "map.view")
    areas = selectors.daily_areas(actor)
    area = next((a for a in areas if a.code == request.GET.get("area")), None)
    data = selectors.map_data(actor, area=area)
    data["tiles"] = getattr(settings, "KASANE_MAP_TILE_URL", "")
    return render(request, "community/map.html", {
        "data": data, "areas": areas, "area": area,
        "watchers": list(selectors.watchers(actor, area=area)) if area else [],
        "has_boundaries": any(a["boundary"] for a in data["areas"])})


@login_required
def boundary_import(request: HttpRequest) -> HttpResponse:
    actor = viewer(request, "boundary.import")  # the service asks areas.policy who maintains
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.boundaries_import(actor=actor, data=form.cleaned_data["file"].read())
        except ValidationError as exc:
            add_service_errors(form, ValidationError({"file": exc.message_dict.get("file", exc.messages)}))
        else:
            messages.success(request, f"{len(done)}圏域の境界を取り込みました。")
            return redirect("community:map")
    return render(request, "community/boundary_import.html", {"form": form},
                  status=400 if form.errors else 200)
