"""Platform operator screens (superuser / platform staff): add a municipality from nothing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from kasane.core.forms import add_service_errors

from . import tenants
from .forms import MunicipalityCreateForm
from .http import user_of
from .models import Municipality


@login_required
@require_http_methods(["GET", "POST"])
def municipality_new(request: HttpRequest) -> HttpResponse:
    """GET: the form and the tenants so far; POST: create, then show the initial passwords
    once (rendered, never stored in plain text or sent by mail)."""
    user = user_of(request)
    if not tenants.is_platform_operator(user):
        raise PermissionDenied("自治体の追加はプラットフォームの運用者だけが行えます。")
    form = MunicipalityCreateForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = tenants.municipality_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
    response = render(request, "accounts/platform/municipality_new.html", {
        "form": form, "created": created,
        "municipalities": Municipality.objects.order_by("code")},
        status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"
    return response
