"""The plan screen and the Excel import of a plan with its targets (dry run, then commit)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kasane.accounts.http import membership_of

from .. import policy as pdca_policy
from .. import selectors
from ..forms import ImportForm
from ..importer import plan_import as run_import
from ..importer import template_workbook
from ..report import _Tree


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    membership = pdca_policy.require_read(membership_of(request))
    plan = selectors.plan_get(membership, plan_id)
    tree = _Tree(plan)
    nodes = [{"node": n, "label": tree.label(n), "indent": range(n.depth - 1),
              "units": sorted((n.repost_of_id and list(n.units.all())) or n.source.units.all(),
                              key=lambda u: u.order)}
             for n in tree.preorder()]
    return render(request, "pdca/plan.html", {
        "plan": plan, "levels": plan.levels.all(), "nodes": nodes,
        "is_secretariat": pdca_policy.is_secretariat(membership)})


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    pdca_policy.require_read(membership_of(request))
    response = HttpResponse(template_workbook(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = ("attachment; filename*=UTF-8''"
                                       "%E8%A8%88%E7%94%BB%E5%8F%96%E8%BE%BC%E3%81%BF.xlsx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    membership = pdca_policy.require_secretariat(membership_of(request))
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        commit = "commit" in request.POST
        result = run_import(actor=membership, municipality=membership.organization.municipality,
                            file=form.cleaned_data["file"], dry_run=not commit)
        if result.file_error:
            form.add_error("file", result.file_error)
            result = None
        elif result.created is not None:
            names = "」「".join(p.name for p in result.created_plans)
            messages.success(request, f"「{names}」を取り込みました: {result.summary()}")
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("pdca:plan", plan_id=result.created.pk)
    return render(request, "pdca/import.html", {"form": form, "result": result},
                  status=400 if (form.errors or (result and result.errors)) else 200)
