"""Activities and events (CSW 地域支援, 出張相談会, 研修・養成講座, 周知) and 拠点 daily logs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from kasane.access import policy as access_policy
from kasane.core.forms import form_page
from kasane.resources.models import Place

from .. import policy, selectors, services
from ..forms import ActivityForm, HubLogForm
from ..models import AGE_BANDS, ActivityKind
from .common import viewer, writer

COUNT_NAMES = ("sessions", "participants", "consultations", "connected", "completions")


@login_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    actor = viewer(request, "activity.list")
    kind, area = request.GET.get("kind", ""), request.GET.get("area", "")
    return render(request, "community/activities.html", {
        "activities": list(selectors.activities(actor, kind=kind, area_code=area)[:200]),
        "kinds": ActivityKind.choices, "kind": kind, "area": area,
        "areas": selectors.daily_areas(actor), "can_write": policy.can_write(actor)})


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    actor = writer(request, "activity.create")
    areas = selectors.daily_areas(actor)
    kind = request.GET.get("kind", "")
    form = ActivityForm(request.POST or None, areas=areas, initial={
        "kind": kind if kind in ActivityKind.values else ActivityKind.COMMUNITY_WORK,
        "held_on": timezone.localdate()})
    by_id = {str(a.pk): a for a in areas}

    def act(d: dict[str, Any]) -> str:
        services.activity_record(
            actor=actor, kind=d["kind"], held_on=d["held_on"], area=by_id.get(str(d["area"])),
            title=d["title"], place=d["place"], partners=d["partners"], target=d["target"],
            content=d["content"], tags=d["tags"], case_ids=d["case_ids"],
            **{k: d[k] for k in COUNT_NAMES if d.get(k) is not None})
        return reverse("community:activities")

    return form_page(request, form, act, template="community/activity_form.html", context={},
                     success="活動を記録しました。")


@login_required
@require_GET
def hub_list(request: HttpRequest) -> HttpResponse:
    actor = viewer(request, "hub.list")
    return render(request, "community/hubs.html", {"hubs": selectors.hubs(actor)})


@login_required
def hub_log(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = viewer(request, "hub.log")
    place = get_object_or_404(Place, pk=place_id, municipality_id=access_policy.tenant_id(actor))
    logs = selectors.hub_logs(actor, place)
    form = HubLogForm(request.POST or None, initial={"on": timezone.localdate()})

    def act(d: dict[str, Any]) -> str:
        writer(request, "hub.log")
        services.hub_log_save(actor=actor, place=place, on=d["on"], connected_to=d["connected_to"],
                              note=d["note"], **{k: d[k] for k in (
                                  *(f for f, _ in AGE_BANDS), "consultations", "connected")})
        return reverse("community:hub", args=[place.pk])

    totals = selectors.hub_totals(logs)
    return form_page(request, form, act, template="community/hub.html", context={
        "place": place, "logs": logs, "totals": totals,
        "band_totals": [(label, totals[f]) for f, label in AGE_BANDS],
        "bands": AGE_BANDS, "can_write": policy.can_write(actor)}, success="日誌を保存しました。")
