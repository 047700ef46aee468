"""Self-evaluation of one business (target results + Do/Act), grade override, opinions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kasane.accounts.http import membership_of
from kasane.accounts.models import Actor
from kasane.core.forms import add_service_errors
from kasane.core.numbers import input_number

from .. import policy as pdca_policy
from .. import selectors, services
from ..forms import OpinionForm, OverrideForm, PairForm, ReasonForm, TargetResultForm
from ..models import ProgressPair
from ..report import build_plan


@login_required
@require_http_methods(["GET", "POST"])
def business_edit(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    membership = pdca_policy.require_read(membership_of(request))
    cycle = selectors.cycle_get(membership, pk)
    node = selectors.node_get(cycle, node_id).source
    pdca_policy.check_edit_business(membership, node, cycle, reason="(確認)")
    fy = cycle.fiscal_year
    units = sorted(node.units.all(), key=lambda u: u.order)
    data = request.POST if request.method == "POST" else None
    targets = list(node.targets.filter(fiscal_year__lte=fy).order_by("-fiscal_year", "order"))
    target_forms = [(t, TargetResultForm(data, target=t, prefix=f"t{t.pk}", initial={
        "achieved": "" if t.achieved is None else "01"[t.achieved], "actual_value": input_number(t.actual_value),
        "note": t.result_note})) for t in targets if not t.withdrawn]
    pairs = list(node.progress.filter(fiscal_year=fy).select_related("unit"))
    pair_forms = [(p, PairForm(data, units=units, prefix=f"p{p.pk}", initial={
        "unit": p.unit_id, "do_text": p.do_text, "act_text": p.act_text})) for p in pairs]
    new_form = PairForm(data, units=units, prefix="new", allow_delete=False)
    reason_form = ReasonForm(data)
    if request.method == "POST":
        forms_ok = all(f.is_valid() for _, f in target_forms) and \
            all(f.is_valid() for _, f in pair_forms) and new_form.is_valid() and \
            reason_form.is_valid()
        if forms_ok:
            reason = reason_form.cleaned_data["reason"]
            try:
                _save(membership, node, fy, target_forms, pair_forms, new_form, reason)
            except ValidationError as exc:
                add_service_errors(reason_form if "reason" in getattr(exc, "error_dict", {})
                            else new_form, exc)
            else:
                messages.success(request, "保存しました。")
                return redirect("pdca:business", pk=cycle.pk, node_id=node.pk)
    last_year = selectors.opinions_before(node, fy)
    return render(request, "pdca/business.html", {
        "cycle": cycle, "node": node, "units": units, "target_forms": target_forms,
        "pair_forms": pair_forms, "new_form": new_form, "reason_form": reason_form,
        "reason_required": cycle.state in pdca_policy.REASON_STATES, "last_year": last_year,
        "reposts": node.reposts.select_related("plan"),
    }, status=400 if request.method == "POST" else 200)


@transaction.atomic
def _save(membership: Actor, node: Any, fy: int, target_forms: list[Any], pair_forms: list[Any],
          new_form: Any, reason: str) -> None:
    """All or nothing: one failing write rolls back the others."""
    for target, form in target_forms:
        d = form.cleaned_data
        changed = (d["achieved"], d.get("actual_value"), d["note"]) != \
            (target.achieved, target.actual_value, target.result_note)
        if changed:
            services.target_record_result(actor=membership, target=target,
                                          achieved=d["achieved"],
                                          actual_value=d.get("actual_value"),
                                          note=d["note"], reason=reason)
    unit_by_id = {u.pk: u for u in node.units.all()}
    for pair, form in pair_forms:
        d = form.cleaned_data
        if d.get("delete") or form.is_blank:
            services.progress_pair_delete(actor=membership, pair=pair, reason=reason)
            continue
        unit = unit_by_id.get(d.get("unit")) if d.get("unit") else None
        if (unit, d["do_text"].strip(), d["act_text"].strip()) != \
                (pair.unit, pair.do_text, pair.act_text):
            services.progress_pair_save(actor=membership, business=node, fiscal_year=fy,
                                        pair=pair, unit=unit, do_text=d["do_text"],
                                        act_text=d["act_text"], reason=reason)
    if not new_form.is_blank:
        d = new_form.cleaned_data
        services.progress_pair_save(actor=membership, business=node, fiscal_year=fy,
                                    unit=unit_by_id.get(d.get("unit")) if d.get("unit") else None,
                                    do_text=d["do_text"], act_text=d["act_text"], reason=reason)


@login_required
@require_http_methods(["GET", "POST"])
def grade_edit(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    membership = pdca_policy.require_read(membership_of(request))
    cycle = selectors.cycle_get(membership, pk)
    node = selectors.node_get(cycle, node_id)
    pdca_policy.check_override(membership, cycle)
    ev = selectors.evaluation_of(node, cycle.fiscal_year)
    plan = build_plan(node.plan, cycle.fiscal_year, live=False)
    graded = next((g for g in plan["graded"] if g["node_id"] == node.pk), None)
    form = OverrideForm(request.POST or None, scale=node.plan.scale(), initial={
        "grade": ev.override_grade if ev else "", "reason": ev.override_reason if ev else "",
        "check_text": ev.check_text if ev else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_override(actor=membership, node=node,
                                         fiscal_year=cycle.fiscal_year,
                                         grade=form.cleaned_data["grade"],
                                         reason=form.cleaned_data["reason"],
                                         check_text=form.cleaned_data["check_text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "評価を保存しました。")
            return redirect("pdca:sheet", pk=cycle.pk, plan_id=node.plan_id)
    return render(request, "pdca/grade.html", {
        "cycle": cycle, "node": node, "graded": graded, "form": form,
        "scale": node.plan.scale()}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def opinion_add(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    membership = pdca_policy.require_read(membership_of(request))
    cycle = selectors.cycle_get(membership, pk)
    node = selectors.node_get(cycle, node_id)
    pdca_policy.check_opinion(membership, cycle)
    form = OpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_add(actor=membership, node=node, fiscal_year=cycle.fiscal_year,
                                 text=form.cleaned_data["text"],
                                 meeting_label=form.cleaned_data["meeting_label"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "意見を登録しました。")
            return redirect("pdca:sheet", pk=cycle.pk, plan_id=node.plan_id)
    return render(request, "pdca/opinion.html", {
        "cycle": cycle, "node": node, "form": form,
        "opinions": node.opinions.filter(fiscal_year=cycle.fiscal_year)},
        status=400 if form.errors else 200)


__all__ = ["business_edit", "grade_edit", "opinion_add", "ProgressPair"]
