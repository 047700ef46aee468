"""つなぐシートの振り分け (管理者・事務局): a named coordinator per sending organization; without a
rule every coordinator receives the sheet (``routing``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from kasane.accounts.models import Role
from kasane.accounts.selectors import agencies, staff_with_roles
from kasane.core.forms import form_page, perform

from .. import routing
from ..forms import LiaisonRouteForm
from ._common import actor_of


@login_required
@require_http_methods(["GET", "POST"])
def routes(request: HttpRequest) -> HttpResponse:
    actor = routing.require_route_editor(actor_of(request))
    muni = actor.organization.municipality_id
    form = LiaisonRouteForm(
        request.POST or None,
        orgs=list(agencies(municipality_id=muni).values_list("pk", "name")),
        coordinators=[(u.pk, u.display_name or u.username) for u in
                      staff_with_roles(municipality_id=muni, roles=[Role.COORDINATOR])])

    def act(data: dict[str, object]) -> str:
        routing.route_set(actor=actor, sending_org_id=data["sending_org"],
                          coordinator_id=data["coordinator"])
        return reverse("sheets:routes")

    return form_page(request, form, act, template="sheets/routes.html",
                     context={"routes": routing.routes(municipality_id=muni)},
                     success="振り分けを保存しました。")


@login_required
@require_POST
def route_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = routing.require_route_editor(actor_of(request))
    perform(request, lambda: routing.route_delete(actor=actor, route_id=pk),
            "振り分けを削除しました（この機関のシートは推進員全員に届きます）。")
    return redirect("sheets:routes")
