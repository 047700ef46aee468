"""Areas screens for the 事務局: areas by kind, the address table, import, 未設定 list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kasane.accounts.http import membership_of
from kasane.accounts.models import Actor
from kasane.core.forms import add_service_errors, perform

from . import coverage, policy, selectors, services
from .forms import AddressRowForm, ImportForm
from .models import AreaKind


def _renamed(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({("address_prefix" if k == "prefix" else k): v
                            for k, v in exc.message_dict.items()})


def _reader(request: HttpRequest) -> Actor:
    return policy.require_read(membership_of(request))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The areas by kind, with the import form for maintainers."""
    actor = _reader(request)
    muni_id = policy.tenant_id(actor)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST":
        policy.require_maintain(actor)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.import_table(actor=actor, stream=upload, name=upload.name,
                                               dry_run=form.cleaned_data["dry_run"])
            except ValidationError as exc:
                add_service_errors(form, ValidationError({"file": exc.messages}))
            else:
                if not form.cleaned_data["dry_run"]:
                    messages.success(request, "取り込みました。")
                    return redirect("areas:index")
    groups = {kind.label: [a for a in selectors.areas(muni_id) if a.kind == kind.value]
              for kind in AreaKind}
    return render(request, "areas/index.html", {
        "groups": groups, "form": form, "result": result,
        "can_maintain": policy.can_maintain(actor),
        "rows": selectors.address_count(muni_id)},
        status=400 if form.errors else 200)


@login_required
def addresses(request: HttpRequest) -> HttpResponse:
    """The address table; maintainers add rows here."""
    actor = _reader(request)
    muni_id = policy.tenant_id(actor)
    form = AddressRowForm(request.POST or None, municipality_id=muni_id)
    if request.method == "POST":
        policy.require_maintain(actor)
        if form.is_valid():
            try:
                services.address_row_add(actor=actor, prefix=form.cleaned_data["address_prefix"],
                                         area=form.area_obj())
            except ValidationError as exc:
                add_service_errors(form, _renamed(exc))
            else:
                messages.success(request, "対応を追加しました。")
                return redirect("areas:addresses")
    return render(request, "areas/addresses.html", {
        "rows": selectors.address_rows(muni_id), "form": form,
        "can_maintain": policy.can_maintain(actor)}, status=400 if form.errors else 200)


@login_required
@require_POST
def address_delete(request: HttpRequest, row_id: int) -> HttpResponse:
    actor = policy.require_maintain(membership_of(request))
    row = selectors.address_row(policy.tenant_id(actor), row_id)
    if row is None:
        raise Http404
    perform(request, lambda: services.address_row_delete(actor=actor, row=row),
            "対応を削除しました。")
    return redirect("areas:addresses")


@login_required
@require_GET
def uncovered(request: HttpRequest) -> HttpResponse:
    """未設定: places and persons' addresses (counted per 町丁目) that no row covers."""
    actor = policy.require_maintain(membership_of(request))
    found = coverage.uncovered(policy.tenant_id(actor))
    return render(request, "areas/uncovered.html", {
        "places": found.get("places", []), "persons": found.get("persons", [])})
