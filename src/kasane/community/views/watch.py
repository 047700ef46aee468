"""見守り network screens: helpers per area, the short 気づき form (smartphone), a 気づき,
marking it handled, and the CSV import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kasane.core.forms import add_service_errors, form_page, perform

from .. import policy, selectors, services
from ..forms import FileForm, ReportForm, WatcherForm
from .common import viewer, writer


@login_required
def watch_index(request: HttpRequest) -> HttpResponse:
    actor = viewer(request, "watch.view")
    areas = selectors.daily_areas(actor)
    by_id = {str(a.pk): a for a in areas}
    form = WatcherForm(request.POST or None, areas=areas)

    def act(d: dict[str, Any]) -> str:
        services.watcher_register(actor=writer(request, "watcher.create"),
                                  area=by_id.get(str(d["area"])), kind=d["kind"], name=d["name"],
                                  contact=d["contact"])
        return reverse("community:watch")

    contacts = selectors.area_contacts(actor, areas=areas)
    return form_page(request, form, act, template="community/watch.html", context={
        "watchers": list(selectors.watchers(actor)), "areas": areas, "contacts": contacts,
        "reports": list(selectors.reports(actor)[:50]), "can_write": policy.can_write(actor)},
        success="見守りの担い手を登録しました。")


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    actor = writer(request, "report.create")
    areas = selectors.daily_areas(actor)
    watchers = list(selectors.watchers(actor))
    form = ReportForm(request.POST or None, areas=areas, watchers=watchers,
                      initial={"received_on": timezone.localdate()})
    areas_by_id = {str(a.pk): a for a in areas}
    watchers_by_id = {str(w.pk): w for w in watchers}

    def act(d: dict[str, Any]) -> str:
        watcher = watchers_by_id.get(str(d["watcher"]))
        report = services.watch_report_enter(
            actor=actor, area=areas_by_id.get(str(d["area"])) or (watcher.area if watcher else None),
            received_on=d["received_on"], summary=d["summary"], watcher=watcher,
            channel=d["channel"], place_hint=d["place_hint"])
        messages.success(request, f"気づきを登録し、{report.routed_to.user.display_name or report.routed_to.user.username}"
                                  f"（{report.routed_to.organization.name}）につなぎました。")
        return reverse("community:watch")

    return form_page(request, form, act, template="community/report_form.html", context={},
                     success="")


@login_required
@require_GET
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = viewer(request, "report.view")
    report = policy.require_report(actor, report_id)
    return render(request, "community/report.html", {"report": report})


@login_required
@require_POST
def report_handle(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = writer(request, "report.handle")
    perform(request, lambda: services.watch_report_handle(actor=actor, report_id=report_id),
            "対応済みにしました。")
    return redirect("community:report", report_id)


@login_required
def report_import(request: HttpRequest) -> HttpResponse:
    actor = writer(request, "report.import")
    form = FileForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.watch_reports_import(actor=actor, data=form.cleaned_data["file"].read())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if not result.errors:
                messages.success(request, f"気づきを{len(result.created)}件取り込み、担当者につなぎました。")
                return redirect("community:watch")
            errors = result.errors
    return render(request, "community/report_import.html", {"form": form, "errors": errors},
                  status=400 if form.errors or errors else 200)
