"""Directory screens for 社協 staff: list with filters, detail, edit, verify, publish/close.

Thin: forms parse, ``resources.services`` check and write, ``resources.policy`` decides.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kasane.accounts.http import membership_of
from kasane.accounts.models import Actor
from kasane.core.forms import add_service_errors, perform

from .. import policy, selectors, services
from ..forms import NEW_PROVIDER, FilterForm, PlaceForm, VerifyForm, place_initial
from ..models import Place, PlaceStatus, Provider


def reader(request: HttpRequest) -> Actor:
    return policy.require_read(membership_of(request))


def editor(request: HttpRequest) -> Actor:
    return policy.require_edit(membership_of(request))


def place_or_404(actor: Actor, place_id: int) -> Place:
    place = selectors.place(policy.tenant_id(actor), place_id)
    if place is None:
        raise Http404("この社会資源は見つかりません。")
    return place


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    muni_id = policy.tenant_id(actor)
    areas = [(a.code, f"{a.code} {a.name}") for a in selectors.daily_life_areas(muni_id)]
    can_edit = policy.can_edit(actor)
    statuses: list[tuple[str, str]] = (
        list(PlaceStatus.choices) if can_edit else [(PlaceStatus.PUBLISHED.value, "公開中")])
    form = FilterForm(request.GET or None, areas=areas, statuses=statuses)
    f = form.cleaned_data if form.is_valid() else {}
    area = f.get("area", "")
    status = f.get("status", "") if can_edit else PlaceStatus.PUBLISHED
    rows = list(selectors.places(
        muni_id, area_code="" if area == "unassigned" else area, kind=f.get("kind", ""),
        status=status, vacancies=bool(f.get("vacancies")), unassigned=area == "unassigned",
        q=f.get("q", ""))[:500])
    return render(request, "resources/index.html", {
        "form": form, "rows": rows, "can_edit": can_edit,
        "pending": selectors.pending_changes(muni_id).count() if can_edit else 0})


@login_required
@require_GET
def detail(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = reader(request)
    place = place_or_404(actor, place_id)
    can_edit = policy.can_edit(actor)
    if place.status != PlaceStatus.PUBLISHED and not can_edit:
        raise Http404("この社会資源は見つかりません。")
    return render(request, "resources/detail.html", {
        "place": place, "can_edit": can_edit, "verify_form": VerifyForm(),
        "changes": place.changes.select_related("uploaded_by")[:10] if can_edit else []})


def _provider(actor: Actor, form: PlaceForm) -> Provider:
    chosen = form.cleaned_data["provider"]
    if chosen == NEW_PROVIDER:
        return services.provider_save(actor=actor, name=form.cleaned_data["new_provider"])
    return form.providers[chosen]


def _edit(request: HttpRequest, actor: Actor, place: Place | None) -> HttpResponse:
    providers = list(selectors.providers(policy.tenant_id(actor)))
    form = PlaceForm(request.POST or None, providers=providers,
                     initial=place_initial(place) if place else {"offers_participation": True})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = services.place_save(actor=actor, provider=_provider(actor, form),
                                            values=form.values(), place=place,
                                            schedules=form.cleaned_data["schedule_rows"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "保存しました。" if place else "登録しました（下書き）。")
            return redirect("resources:detail", saved.pk)
    return render(request, "resources/form.html", {"form": form, "place": place},
                  status=400 if form.errors else 200)


@login_required
def new(request: HttpRequest) -> HttpResponse:
    return _edit(request, editor(request), None)


@login_required
def edit(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = editor(request)
    return _edit(request, actor, place_or_404(actor, place_id))


@login_required
@require_POST
def verify(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = editor(request)
    place = place_or_404(actor, place_id)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "確認日: " + " ".join(str(e) for e in form.errors.get("verified_on", [])))
        return redirect("resources:detail", place.pk)
    perform(request, lambda: services.place_verify(actor=actor, place=place,
                                                   on=form.cleaned_data["verified_on"]),
            "確認日を記録しました。", labels={"last_verified_on": "確認日"})
    return redirect("resources:detail", place.pk)


@login_required
@require_POST
def status(request: HttpRequest, place_id: int, action: str) -> HttpResponse:
    actor = editor(request)
    place = place_or_404(actor, place_id)
    operations: dict[str, tuple[Any, str]] = {
        "publish": (services.place_publish, "公開しました。"),
        "close": (services.place_close, "休止・終了にしました（一覧の公開から外れます）。")}
    if action not in operations:
        raise Http404
    operation, text = operations[action]
    perform(request, lambda: operation(actor=actor, place=place), text)
    return redirect("resources:detail", place.pk)
