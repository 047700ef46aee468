"""保存期間と廃棄: the dry-run report, legal holds and periods (事務局・管理者)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kasane.accounts.http import membership_of
from kasane.audit import services as audit
from kasane.audit.models import Basis
from kasane.core.forms import form_page, service_error_texts

from . import policy, selectors, services
from .forms import HoldForm, PeriodForm, ReleaseForm
from .models import RecordType

SHOWN = 200  # ids listed per record type; the counts are always complete


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    actor = policy.require_manage(membership_of(request))
    municipality = actor.organization.municipality
    plan = selectors.purge_plan(municipality=municipality)
    audit.access_log(user=actor.user, action="retention.report", basis=Basis.NOT_PERSONAL,
                     object_type="retention.PurgeRun", object_id="dry-run")
    rows = [{"type": t, "label": label, "years": plan.years[t],
             "expiring": plan.expiring[t][:SHOWN], "expiring_count": len(plan.expiring[t]),
             "held": plan.held[t]} for t, label in RecordType.choices]
    return render(request, "retention/index.html", {
        "plan": plan, "rows": rows, "shown": SHOWN,
        "case_sheet_count": sum(len(v) for v in plan.case_sheets.values()),
        "holds": selectors.active_holds(municipality=municipality),
        "runs": [(run, services.counts_text(run.counts)) for run in
                 selectors.recent_runs(municipality=municipality)],
        "can_set_periods": policy.can_set_periods(actor),
        "release_form": ReleaseForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def hold_new(request: HttpRequest) -> HttpResponse:
    actor = policy.require_manage(membership_of(request))
    form = HoldForm(request.POST or None)

    def act(data: dict[str, Any]) -> str:
        target = {"person_id" if data["target"] == "person" else "case_id": data["number"]}
        services.legal_hold_set(actor=actor, reason=data["reason"], **target)
        return reverse("retention:index")

    return form_page(request, form, act, template="retention/form.html",
                     context={"title": "保存の継続（リーガルホールド）を設定"},
                     success="保存の継続を設定しました。",
                     names={"person_id": "number", "case_id": "number", "target": "number"})


@login_required
@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.require_manage(membership_of(request))
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "解除の理由を入力し、確認のチェックを入れてください。")
        return redirect("retention:index")
    try:
        services.legal_hold_release(actor=actor, hold_id=pk, reason=form.cleaned_data["release_reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(service_error_texts(exc, {"release_reason": "解除の理由"})))
    else:
        messages.success(request, "保存の継続を解除しました。")
    return redirect("retention:index")


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request: HttpRequest) -> HttpResponse:
    actor = policy.require_set_periods(membership_of(request))
    form = PeriodForm(request.POST or None)

    def act(data: dict[str, Any]) -> str:
        services.retention_policy_set(actor=actor, record_type=data["record_type"], years=data["years"])
        return reverse("retention:index")

    return form_page(request, form, act, template="retention/form.html",
                     context={"title": "保存期間を変更"}, success="保存期間を変更しました。")
