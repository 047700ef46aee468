"""The metric list with this tenant's figures for one 年度 (事務局・委員)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kasane.accounts.http import membership_of
from kasane.core.wareki import fiscal_year

from . import policy as stats_policy
from .selectors import values_for


@login_required
def index(request: HttpRequest) -> HttpResponse:
    membership = stats_policy.require_read(membership_of(request))
    fy_text = request.GET.get("fiscal_year", "")
    fy = int(fy_text) if fy_text.isdigit() and 2000 <= int(fy_text) <= 2100 \
        else fiscal_year(timezone.localdate())
    return render(request, "stats/index.html", {
        "fiscal_year": fy, "metrics": values_for(membership.organization.municipality, fy)})
