"""人材バンク screens: volunteers (list, register, one volunteer with 伴走 notes, hours and
places), and places' requests for helpers with the volunteers that fit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kasane.access import policy as access_policy
from kasane.accounts.models import Actor
from kasane.core.forms import form_error_texts, form_page, perform

from .. import policy, selectors, services
from ..forms import HelpRequestForm, HoursForm, NoteForm, VolunteerForm
from ..models import AssignmentStatus
from .matches import acting as _acting


def acting(request: HttpRequest) -> Actor:
    """Case roles only (``access.http.acting``); which volunteers: ``policy``."""
    return _acting(request)


def _form_errors(request: HttpRequest, form: Any) -> None:
    messages.error(request, " ".join(form_error_texts(form)))


def _places(member: Actor) -> list[tuple[str, str]]:
    return selectors.place_choices(access_policy.tenant_id(member))


@login_required
def volunteers(request: HttpRequest) -> HttpResponse:
    member = acting(request)
    rows = list(policy.visible_volunteers(member).select_related("area")
                .annotate(total=Sum("hours__hours")).order_by("-active", "name_kana", "id")[:200])
    policy.log_volunteers(member, rows)
    return render(request, "participation/volunteers.html", {"volunteers": rows})


@login_required
def volunteer_new(request: HttpRequest) -> HttpResponse:
    member = acting(request)
    form = VolunteerForm(request.POST or None,
                         municipality_id=access_policy.tenant_id(member))

    def act(d: dict[str, Any]) -> str:
        v = services.volunteer_save(actor=member, data=d)
        return reverse("participation:volunteer", args=[v.pk])

    return form_page(request, form, act, template="participation/volunteer_form.html",
                     context={}, success="人材バンクに登録しました。")


@login_required
def volunteer(request: HttpRequest, pk: int) -> HttpResponse:
    member = acting(request)
    v = policy.require_volunteer(member, pk)
    places = _places(member)
    return render(request, "participation/volunteer.html", {
        "v": v, "notes": list(v.notes.select_related("user")[:50]),
        "hours": list(v.hours.select_related("place")[:50]),
        "total": selectors.hours_total(v),
        "assignments": list(v.assignments.select_related("place", "help_request")),
        "note_form": NoteForm(prefix="note"), "hours_form": HoursForm(prefix="h", places=places),
        "places": places,
        "requests": selectors.help_requests(v.municipality_id, open_only=True, limit=30)})


@login_required
@require_POST
def volunteer_note(request: HttpRequest, pk: int) -> HttpResponse:
    member = acting(request)
    v = policy.require_volunteer(member, pk, action="write")
    form = NoteForm(request.POST, prefix="note")
    if form.is_valid():
        perform(request, lambda: services.note_add(actor=member, volunteer=v,
                                                   text=form.cleaned_data["text"],
                                                   on=form.cleaned_data["on"]),
                "伴走メモを記録しました。")
    else:
        _form_errors(request, form)
    return redirect("participation:volunteer", v.pk)


@login_required
@require_POST
def volunteer_hours(request: HttpRequest, pk: int) -> HttpResponse:
    member = acting(request)
    v = policy.require_volunteer(member, pk, action="write")
    form = HoursForm(request.POST, prefix="h", places=_places(member))
    if form.is_valid():
        d = form.cleaned_data
        perform(request, lambda: services.hours_log(actor=member, volunteer=v, on=d["on"],
                                                    hours=d["hours"], place_id=d.get("place"),
                                                    note=d.get("note") or ""),
                "活動時間を記録しました。")
    else:
        _form_errors(request, form)
    return redirect("participation:volunteer", v.pk)


@login_required
@require_POST
def volunteer_assign(request: HttpRequest, pk: int) -> HttpResponse:
    member = acting(request)
    v = policy.require_volunteer(member, pk, action="write")
    perform(request, lambda: services.assignment_create(
        actor=member, volunteer=v, place_id=request.POST.get("place"),
        help_request_id=request.POST.get("help_request")), "場に紹介しました。",
        labels={"place": "場", "help_request": "募集"})
    return redirect("participation:volunteer", v.pk)


@login_required
@require_POST
def assignment_status(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    member = acting(request)
    v = policy.require_volunteer(member, pk, action="write")
    a = v.assignments.filter(pk=assignment_id).first()
    status = request.POST.get("status", "")
    if a is not None:
        perform(request, lambda: services.assignment_set_status(
            actor=member, assignment=a, status=status),
            "活動を開始しました。" if status == AssignmentStatus.ACTIVE else "活動を終了しました。")
    return redirect("participation:volunteer", v.pk)


@login_required
def help_requests(request: HttpRequest) -> HttpResponse:
    member = acting(request)
    form = HelpRequestForm(request.POST or None, places=_places(member))

    def act(d: dict[str, Any]) -> str:
        services.help_request_create(actor=member, place_id=d["place"], title=d["title"],
                                     detail=d.get("detail") or "", days=d.get("days"),
                                     time_bands=d.get("time_bands"), wanted=d["wanted"])
        return reverse("participation:help_requests")

    rows = selectors.help_requests(access_policy.tenant_id(member), limit=100)
    fits = {r.pk: selectors.volunteers_for(member, kinds=[r.place.kind],
                                           area_id=r.place.area_id)[:5] for r in rows if r.is_open}
    shown = {v.pk: v for vs in fits.values() for v in vs}
    policy.log_volunteers(member, list(shown.values()))
    return form_page(request, form, act, template="participation/help_requests.html",
                     context={"rows": [(r, fits.get(r.pk, [])) for r in rows]},
                     success="募集を登録しました。")
