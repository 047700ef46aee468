"""帳票定義: municipalities add their own fields or sheets (admin / 事務局); each edit = new version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .. import policy as sheet_policy
from .. import selectors, services
from ..forms import FieldForm, OwnSheetForm
from ._common import actor_of


@login_required
@require_GET
def definition_list(request: HttpRequest) -> HttpResponse:
    actor = sheet_policy.require_definition_editor(actor_of(request))
    rows = selectors.definitions_current(municipality_id=actor.organization.municipality_id)
    return render(request, "sheets/definition_list.html", {"definitions": rows})


def _apply_errors(form: FieldForm, exc: ValidationError) -> None:
    for key, msgs in exc.message_dict.items():
        form.add_error(key if key in form.fields else None, " ".join(msgs))


@login_required
@require_http_methods(["GET", "POST"])
def definition_detail(request: HttpRequest, code: str) -> HttpResponse:
    actor = sheet_policy.require_definition_editor(actor_of(request))
    muni = actor.organization.municipality_id
    current = selectors.definition_current(municipality_id=muni, code=code)
    form = FieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            d = services.definition_add_fields(
                actor=actor, code=code, section_title=form.cleaned_data["section_title"],
                fields=[form.field_spec()])
            messages.success(request, f"項目を追加し、{d.version_label}を作成しました。")
            return redirect("sheets:definition_detail", code=code)
        except ValidationError as exc:
            _apply_errors(form, exc)
    return render(request, "sheets/definition_detail.html", {
        "definition": current, "form": form,
        "versions": selectors.definition_versions(municipality_id=muni, code=code)},
        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def definition_new(request: HttpRequest) -> HttpResponse:
    actor = sheet_policy.require_definition_editor(actor_of(request))
    form = OwnSheetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            d = services.definition_create_own(
                actor=actor, code=form.cleaned_data["code"], title=form.cleaned_data["title"],
                tags=form.cleaned_data["tags"], fields=[form.field_spec()])
            messages.success(request, f"帳票「{d.title}」を作成しました。")
            return redirect("sheets:definition_detail", code=d.code)
        except ValidationError as exc:
            _apply_errors(form, exc)
    return render(request, "sheets/definition_new.html", {"form": form},
                  status=400 if form.errors else 200)
