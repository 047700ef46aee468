"""PDCA index, the cycle page (workflow + 評価総括表) and the web 進捗管理シート."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kasane.accounts.http import membership_of

from .. import policy as pdca_policy
from .. import selectors, services
from ..forms import TransitionForm
from ..models import STATE_ORDER, CycleState


@login_required
def index(request: HttpRequest) -> HttpResponse:
    membership = pdca_policy.require_read(membership_of(request))
    cycles = list(selectors.cycles_for(membership))
    plans = selectors.plans_for(membership)
    return render(request, "pdca/index.html", {
        "cycles": cycles, "plans": plans,
        "is_secretariat": pdca_policy.is_secretariat(membership),
        "unit": membership.organization.unit if pdca_policy.unit_id_of(membership) else None,
    })


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = pdca_policy.require_read(membership_of(request))
    cycle = selectors.cycle_get(membership, pk)
    report = selectors.report_for(cycle)
    index = cycle.state_index
    steps = [{"state": s, "label": CycleState(s).label, "done": i < index, "current": i == index}
             for i, s in enumerate(STATE_ORDER)]
    secretariat = pdca_policy.is_secretariat(membership)
    unit_id = None if secretariat else pdca_policy.unit_id_of(membership)
    return render(request, "pdca/cycle.html", {
        "cycle": cycle, "report": report, "steps": steps, "is_secretariat": secretariat,
        "next_state": STATE_ORDER[index + 1] if index + 1 < len(STATE_ORDER) else None,
        "next_label": CycleState(STATE_ORDER[index + 1]).label if index + 1 < len(STATE_ORDER) else "",
        "prev_state": STATE_ORDER[index - 1] if index > 0 else None,
        "prev_label": CycleState(STATE_ORDER[index - 1]).label if index > 0 else "",
        "gaps": services.open_targets(cycle) if secretariat and cycle.state in (
            CycleState.SELF_EVAL, CycleState.SECRETARIAT_REVIEW) else [],
        "transitions": cycle.transitions.select_related("by"),
        "editions": cycle.editions.all(),
        "mine": selectors.unit_businesses(report, unit_id) if unit_id else [],
        "unit_can_edit": unit_id is not None and cycle.state in pdca_policy.UNIT_STATES,
        "can_opine": pdca_policy.can_opine(membership, cycle),
        "form": TransitionForm(),
    })


@login_required
def sheet(request: HttpRequest, pk: int, plan_id: int) -> HttpResponse:
    membership = pdca_policy.require_read(membership_of(request))
    cycle = selectors.cycle_get(membership, pk)
    report = selectors.report_for(cycle)
    plan = next((p for p in report["plans"] if p["id"] == plan_id), None)
    if plan is None:
        from django.http import Http404

        raise Http404
    unit_id = pdca_policy.unit_id_of(membership)
    mine = request.GET.get("mine") == "1" and unit_id is not None
    secretariat = pdca_policy.is_secretariat(membership)
    editable_units = cycle.state in pdca_policy.UNIT_STATES
    rows = []
    for row in plan["rows"]:
        row = dict(row)
        if row["kind"] == "business":
            src_units = row["unit_ids"]
            row["editable"] = not row["repost_of"] and cycle.state != CycleState.PUBLISHED and (
                secretariat or (editable_units and unit_id in src_units))
            if mine and unit_id not in src_units:
                continue
        rows.append(row)
    return render(request, "pdca/sheet.html", {
        "cycle": cycle, "plan": plan, "rows": rows, "mine": mine, "unit_id": unit_id,
        "is_secretariat": secretariat,
        "can_override": pdca_policy.can_override(membership, cycle),
        "can_opine": pdca_policy.can_opine(membership, cycle),
    })


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    membership = pdca_policy.require_secretariat(membership_of(request))
    cycle = selectors.cycle_get(membership, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        before = cycle.state
        try:
            cycle = services.cycle_transition(actor=membership, cycle=cycle,
                                              to_state=form.cleaned_data["to_state"],
                                              reason=form.cleaned_data["reason"],
                                              confirm_back=form.cleaned_data["confirm_back"])
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            moved = "戻しました" if STATE_ORDER.index(cycle.state) < STATE_ORDER.index(before) else "進めました"
            messages.success(request, f"「{cycle.get_state_display()}」の段階に{moved}。")
    return redirect("pdca:cycle", pk=cycle.pk)
