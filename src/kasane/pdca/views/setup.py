"""事務局 set-up screens: new cycle (copy last year's), plan nodes (add/edit/reorder), 担当課."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from kasane.accounts.http import membership_of
from kasane.accounts.models import Unit
from kasane.core.forms import add_service_errors

from .. import policy as pdca_policy
from .. import selectors, services, setup
from ..models import AnnualTarget, Plan, PlanNode
from ..setup_forms import (
    CycleCreateForm,
    CycleTextsForm,
    NodeForm,
    PlanCreateForm,
    PlanLayoutForm,
    TargetForm,
    UnitForm,
)


def _this_fiscal_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


@login_required
@require_http_methods(["GET", "POST"])
def cycle_new(request: HttpRequest) -> HttpResponse:
    membership = pdca_policy.require_secretariat(membership_of(request))
    muni_id = membership.organization.municipality_id
    last = setup.last_cycle(muni_id)
    this_year = _this_fiscal_year()
    form = CycleCreateForm(request.POST or None, municipality_id=muni_id, this_year=this_year,
                           initial={"fiscal_year": (last.fiscal_year + 1) if last else this_year,
                                    "copy_last": last is not None})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        fy, plans, copy = data.pop("fiscal_year"), data.pop("plans"), data.pop("copy_last")
        try:
            cycle = setup.cycle_create(
                actor=membership, fiscal_year=fy, plans=plans,
                copy_from=setup.last_cycle(muni_id, before_year=fy) if copy else None, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{cycle}を作成しました（準備の段階）。")
            return redirect("pdca:cycle", pk=cycle.pk)
    return render(request, "pdca/cycle_new.html", {"form": form, "last": last},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def node_edit(request: HttpRequest, plan_id: int, node_id: int | None = None) -> HttpResponse:
    membership = pdca_policy.require_secretariat(membership_of(request))
    plan = selectors.plan_get(membership, plan_id)
    if node_id is None:
        parent_id = request.GET.get("parent") or request.POST.get("parent")
        parent = selectors.plan_node_get(plan, parent_id) if parent_id else None
        number = selectors.next_number(plan, parent)
        node = PlanNode(plan=plan, parent=parent, depth=(parent.depth + 1) if parent else 1,
                        number=number, code=f"{parent.code}-{number}" if parent else str(number))
    else:
        node = selectors.plan_node_get(plan, node_id)
    form = NodeForm(request.POST or None, instance=node, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            saved = setup.node_save(actor=membership, node=form.instance,
                                    units=form.cleaned_data["units"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "保存しました。")
            for warning in saved.warnings:
                messages.warning(request, warning)
            return redirect("pdca:plan", plan_id=plan.pk)
    level = plan.levels.filter(depth=node.depth).first()
    return render(request, "pdca/node_edit.html", {
        "form": form, "plan": plan, "node": node, "level": level},
        status=400 if form.errors else 200)


@login_required
@require_POST
def node_move(request: HttpRequest, plan_id: int, node_id: int) -> HttpResponse:
    membership = pdca_policy.require_secretariat(membership_of(request))
    plan = selectors.plan_get(membership, plan_id)
    node = selectors.plan_node_get(plan, node_id)
    setup.node_move(actor=membership, node=node, up=request.POST.get("direction") == "up")
    return redirect(reverse("pdca:plan", args=[plan.pk]) + f"#node-{node.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def units(request: HttpRequest, unit_id: int | None = None) -> HttpResponse:
    membership = pdca_policy.require_secretariat(membership_of(request))
    unit = Unit(municipality_id=membership.organization.municipality_id) if unit_id is None \
        else selectors.unit_get(membership, unit_id)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            setup.unit_save(actor=membership, unit=form.instance)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"担当課「{form.instance.name}」を保存しました。")
            return redirect("pdca:units")
    return render(request, "pdca/units.html", {
        "form": form, "unit": unit,
        "units": selectors.units_for(membership)},
        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def plan_layout(request: HttpRequest, plan_id: int) -> HttpResponse:
    membership = pdca_policy.require_secretariat(membership_of(request))
    plan = selectors.plan_get(membership, plan_id)
    form = PlanLayoutForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            setup.plan_layout_save(actor=membership, plan=plan,
                                   grade_scale=form.cleaned_data["scale_text"], **data)
        except ValidationError as exc:
            add_service_errors(form, exc, labels={"grade_scale": "評価の段階"})
        else:
            messages.success(request, "印刷設定を保存しました。")
            return redirect("pdca:plan", plan_id=plan.pk)
    return render(request, "pdca/setup_form.html", {
        "form": form, "title": f"{plan.name} の印刷設定・評価の段階",
        "back": reverse("pdca:plan", args=[plan.pk])}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_texts(request: HttpRequest, pk: int) -> HttpResponse:
    membership = pdca_policy.require_secretariat(membership_of(request))
    cycle = selectors.cycle_get(membership, pk)
    form = CycleTextsForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            setup.cycle_texts_save(actor=membership, cycle=cycle, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "序章・奥付を保存しました。")
            return redirect("pdca:cycle", pk=cycle.pk)
    return render(request, "pdca/setup_form.html", {
        "form": form, "title": f"{cycle} 序章・評価基準の例・流れ・奥付",
        "back": reverse("pdca:cycle", args=[cycle.pk])}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest, plan_id: int, node_id: int) -> HttpResponse:
    """The 年次目標 of one business: the list, and a form to add one or change one
    (``?target=<id>``); the year's cycle must exist (its stage decides, see policy)."""
    membership = pdca_policy.require_secretariat(membership_of(request))
    plan = selectors.plan_get(membership, plan_id)
    node = selectors.plan_node_get(plan, node_id, business=True)
    target_id = request.GET.get("target") or request.POST.get("target")
    target = AnnualTarget(business=node) if not target_id else \
        selectors.target_get(node, target_id)
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_save(actor=membership, target=form.instance,
                                 reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "年次目標を保存しました。")
            return redirect("pdca:targets", plan_id=plan.pk, node_id=node.pk)
    return render(request, "pdca/targets.html", {
        "plan": plan, "node": node, "form": form, "target": target,
        "targets": node.targets.order_by("fiscal_year", "order", "pk")},
        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    membership = pdca_policy.require_secretariat(membership_of(request))
    muni_id = membership.organization.municipality_id
    form = PlanCreateForm(request.POST or None, municipality_id=muni_id,
                          instance=Plan(municipality_id=muni_id))
    if request.method == "POST" and form.is_valid():
        try:
            plan = setup.plan_create(actor=membership, plan=form.instance,
                                     levels=form.cleaned_data["levels_text"])
        except ValidationError as exc:
            add_service_errors(form, exc, labels={"levels": "階層"})
        else:
            messages.success(request, f"「{plan.name}」を登録しました。施策・事業を追加してください。")
            return redirect("pdca:plan", plan_id=plan.pk)
    return render(request, "pdca/setup_form.html", {
        "form": form, "title": "計画を登録", "back": reverse("pdca:index")},
        status=400 if form.errors else 200)
