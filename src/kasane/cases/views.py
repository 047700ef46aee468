"""Case screens: list, open, case page, status. Thin: forms parse, services act,
``access.policy`` decides and logs. Referral/contact/plan/close screens: ``views_records``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kasane.access import policy
from kasane.core.forms import add_service_errors
from kasane.people.presenters import person_views

from . import selectors, services
from .forms import OpenForm, StatusForm
from .models import Status


def acting(request: HttpRequest) -> Any:
    return policy.require_handler(getattr(request, "membership", None),
                                  message="支援ケースは相談支援に携わる職員のみが扱えます。",
                                  detail=request.path)


def conflict(request: HttpRequest, *, title: str, back: str, mine: list[tuple[str, Any]],
             saved: list[tuple[str, Any]]) -> HttpResponse:
    """The conflict page: your unsaved input beside the version saved in between."""
    rows = [(label, m, s, m != s) for (label, m), (_, s) in zip(mine, saved, strict=True)]
    return render(request, "cases/conflict.html", {"title": title, "back": back, "rows": rows},
                  status=409)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    member = acting(request)
    status = request.GET.get("status", "open")
    cases = list(selectors.cases_for(member, status=status if status != "all" else "")[:200])
    names = selectors.subject_names(member, cases)
    rows = [{"case": c, "names": names.get(c.pk, "")} for c in cases]
    tabs = [("open", "対応中"), *Status.choices, ("all", "すべて")]
    return render(request, "cases/index.html", {"rows": rows, "status": status, "tabs": tabs,
                                                "waiting": selectors.referrals_waiting(member)})


@login_required
def open_case(request: HttpRequest) -> HttpResponse:
    member = acting(request)
    initial = {"person_ids": request.GET.get("person", "")}
    form = OpenForm(request.POST or None, initial=initial)
    chosen = []
    ids = [i for i in str(request.POST.get("person_ids") or initial["person_ids"]).split(",") if i.strip().isdigit()]
    if ids:
        chosen = person_views(member, list(policy.visible_persons(member).filter(pk__in=ids)
                                           .select_related("created_by_org")))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=member, person_ids=form.cleaned_data["person_ids"],
                                      summary=form.cleaned_data["summary"],
                                      triage=form.cleaned_data["triage"], tags=form.cleaned_data["tags"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"ケース#{case.pk}を受付しました。")
            return redirect("cases:detail", case.pk)
    return render(request, "cases/open.html", {"form": form, "chosen": chosen},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def detail(request: HttpRequest, case_id: int) -> HttpResponse:
    member = acting(request)
    case = policy.require_case(member, case_id)
    lead = services.is_lead(member, case)
    return render(request, "cases/detail.html", {
        "case": case, "subjects": selectors.subjects_of(member, case),
        "involvements": case.involvements.select_related("organization").order_by("ended_on", "started_on"),
        "referrals": case.referrals.select_related("from_org", "to_org"),
        "plans": selectors.plans_of(case), "events": selectors.timeline(case),
        "contacts": selectors.contacts_of(case)[:50], "household": selectors.household_cases(member, case),
        "closures": case.closures.select_related("watch_org"), "is_lead": lead,
        "status_form": StatusForm(initial={"lock_version": case.lock_version}) if lead and case.is_open else None,
    })


@login_required
@require_POST
def status(request: HttpRequest, case_id: int) -> HttpResponse:
    member = acting(request)
    case = policy.require_case(member, case_id, action="status")
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.case_status_change(actor=member, case=case, to_status=form.cleaned_data["to_status"],
                                        note=form.cleaned_data["note"],
                                        expected_version=form.cleaned_data["lock_version"])
        except services.Conflict:
            messages.error(request, "他の職員が先にこのケースを更新しました。最新の状態を確認してください。")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "状態を変更しました。")
    return redirect("cases:detail", case.pk)
