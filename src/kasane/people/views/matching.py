"""名寄せ screens: the coordinators' queue, the pair review, batch runs, the merged person
page and unmerge. Thin: forms parse, ``services`` act, ``selectors`` read
through ``access.policy``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kasane.access import policy
from kasane.accounts.http import membership_of
from kasane.audit.models import Basis
from kasane.core.forms import add_service_errors

from .. import selectors as sel
from .. import services
from ..forms.matching import DecisionForm, QueueFilterForm, UnmergeForm
from ..models import MatchStatus
from ..presenters import person_view
from .persons import acting

PAGE_SIZE = 50


def _reviewer(request: HttpRequest) -> Any:
    return sel.require_reviewer(membership_of(request))


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    member = _reviewer(request)
    form = QueueFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(sel.candidates_for(member, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = sel.candidate_views(member, list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "people/match_queue.html", {
        "form": form, "rows": rows, "page": page, "query": query.urlencode(),
        "filters": filters, "runs": sel.last_runs(member),
        "counts": sel.candidate_counts(member, status=filters["status"], band=filters["band"],
                                       visibility=filters["visibility"]),
        "scale": sel.score_scale(member),
    })


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    member = _reviewer(request)
    try:
        services.match_run_request(actor=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "一括照合を開始しました。終わると候補がこの一覧に加わります。")
    return redirect("people:match_queue")


@login_required
@require_GET
def run_status(request: HttpRequest) -> HttpResponse:
    """htmx fragment: the latest runs (polled while one is running)."""
    member = _reviewer(request)
    return render(request, "people/_match_runs.html", {"runs": sel.last_runs(member)})


@login_required
def review(request: HttpRequest, candidate_id: int) -> HttpResponse:
    member = _reviewer(request)
    view = sel.candidate_get(member, candidate_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decided = services.match_decide(
                actor=member, candidate=view.candidate, decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if decided.status == MatchStatus.SAME:
                messages.success(request, "同一人物として関連付けました。それぞれの記録と閲覧の根拠はそのままです。")
                return redirect("people:identity", person_id=decided.person_a_id)
            messages.success(request, f"名寄せ候補 #{decided.pk} を「{decided.get_status_display()}」にしました。")
            return redirect("people:match_queue")
    link = view.candidate.links.filter(ended_at__isnull=True).first() if view.decidable else None
    return render(request, "people/match_review.html", {
        "view": view, "form": form, "link": link, "scale": sel.score_scale(member),
        "can_decide": view.decidable and not view.candidate.is_decided and not view.emergency_only,
    }, status=400 if form.errors else 200)


@login_required
@require_GET
def identity(request: HttpRequest, person_id: int) -> HttpResponse:
    """The merged person page: the records confirmed as one person that the actor may see."""
    member = acting(request)
    try:
        person, basis = policy.require_person(member, person_id, detail="同一人物の記録")
    except Http404:
        return render(request, "people/not_visible.html", {"person_id": person_id}, status=404)
    return render(request, "people/identity.html", {
        "person": person, "view": person_view(member, person), "basis_label": Basis(basis).label,
        "identity": sel.identity_of(member, person), "unmerge_form": UnmergeForm(),
    })


@login_required
@require_POST
def unmerge(request: HttpRequest, link_id: int) -> HttpResponse:
    member = _reviewer(request)
    link = sel.link_get(member, link_id)
    form = UnmergeForm(request.POST)
    back = link.person_a_id
    if form.is_valid():
        try:
            services.link_unmerge(actor=member, link=link,
                                           reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "統合を解除しました。候補は未確認に戻りました。")
            return redirect("people:identity", person_id=back)
    person, basis = policy.require_person(member, back, detail="同一人物の記録")
    return render(request, "people/identity.html", {
        "person": person, "view": person_view(member, person), "basis_label": Basis(basis).label,
        "identity": sel.identity_of(member, person), "unmerge_form": form,
        "failed_link": link.pk,
    }, status=400)
