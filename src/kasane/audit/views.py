"""監査 screen: search the append-only access log (read only; there is no edit path)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from kasane.accounts.http import membership_of
from kasane.core.forms import add_service_errors

from . import policy as audit_policy
from . import selectors, services
from .forms import AuditSearchForm, ChangeOpenForm, ChangeSearchForm
from .models import Basis


def _results(request: HttpRequest, *, form: Any, rows: Any, action: str, object_type: str,
             template: str) -> HttpResponse:
    """Page the rows, log the auditor's own search and render (400 when the form is invalid).
    The page is read before the search is logged: the count and the rows are the same moment's
    (otherwise the search's own row would push the last row of the page off)."""
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    services.access_log(user=request.user, action=action, basis=Basis.NOT_PERSONAL,
                        object_type=object_type, detail=request.GET.urlencode()[:500])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    membership = audit_policy.require_auditor(membership_of(request))
    form = AuditSearchForm(request.GET or None, municipality_id=membership.organization.municipality_id)
    rows = selectors.access_logs_search(
        membership=membership, filters=form.cleaned_data if form.is_valid() else {})
    return _results(request, form=form, rows=rows, action="audit_search",
                    object_type="access_log", template="audit/search.html")


@login_required
@require_GET
def changes(request: HttpRequest) -> HttpResponse:
    membership = audit_policy.require_auditor(membership_of(request))
    form = ChangeSearchForm(request.GET or None)
    rows = selectors.change_records_search(
        membership=membership, filters=form.cleaned_data if form.is_valid() else {})
    return _results(request, form=form, rows=rows, action="audit_changes",
                    object_type="change_record", template="audit/changes.html")


@login_required
@require_http_methods(["GET", "POST"])
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One change record: field names and who/when; its values only after a reasoned POST
    (logged against each person it is about; 閲覧制限 still masks). Nothing is stored: each
    display is its own logged request."""
    membership = audit_policy.require_auditor(membership_of(request))
    record = selectors.change_record_get(membership=membership, record_id=pk)
    form = ChangeOpenForm(request.POST if request.method == "POST" else None)
    opened = None
    if request.method == "POST" and form.is_valid():
        try:
            opened = selectors.change_record_open(membership=membership, record_id=record.pk,
                                                  reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "audit/change.html", {"record": record, "form": form, "opened": opened},
                  status=400 if form.errors else 200)
