"""Access screens: emergency access and its review queue, 閲覧制限, disclosure reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kasane.access import policy
from kasane.access import services as access_services
from kasane.access.selectors import emergency_review_of, emergency_reviews, emergency_reviews_done
from kasane.accounts.http import membership_of
from kasane.accounts.models import Membership
from kasane.accounts.selectors import case_memberships
from kasane.core.forms import add_service_errors

from .. import services
from ..disclosures import disclosure_csv, disclosure_report
from ..forms.persons import DisclosureLookupForm, EmergencyForm, RestrictionForm, ReviewForm
from .persons import acting


@login_required
def emergency_request(request: HttpRequest, person_id: int) -> HttpResponse:
    member = acting(request)
    form = EmergencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access_services.emergency_access_request(
                actor=member, person_id=person_id, reason=form.cleaned_data["reason"],
                hours=form.cleaned_data["hours"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.warning(request, "緊急アクセスを記録しました。推進員が事後に確認します。")
            return redirect("people:detail", person_id=person_id)
    return render(request, "people/emergency_form.html", {"form": form, "person_id": person_id},
                  status=400 if form.errors else 200)


def _reviewer(request: HttpRequest) -> Membership:
    member = membership_of(request)
    if not policy.can(member, "emergency.review"):
        policy.log_denied(member, "emergency.review")
        raise PermissionDenied("緊急アクセスの確認は相談支援包括化推進員が行います。")
    return member  # type: ignore[return-value]


@login_required
@require_GET
def emergency_queue(request: HttpRequest) -> HttpResponse:
    member = _reviewer(request)
    return render(request, "people/emergency_queue.html", {
        "open": emergency_reviews(actor=member),
        "done": emergency_reviews_done(actor=member),
    })


@login_required
@require_POST
def emergency_review(request: HttpRequest, review_id: int) -> HttpResponse:
    member = _reviewer(request)
    review = emergency_review_of(actor=member, pk=review_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            access_services.emergency_review(actor=member, review=review,
                                             outcome=form.cleaned_data["outcome"],
                                             note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"緊急アクセス #{review.pk} を確認しました。")
            return redirect("people:emergency_queue")
    return render(request, "people/emergency_queue.html", {
        "open": emergency_reviews(actor=member), "done": [],
        "failed": review, "failed_form": form,
    }, status=400)


@login_required
def restriction(request: HttpRequest, person_id: int) -> HttpResponse:
    member = acting(request)
    person, _ = policy.require_person(member, person_id, action="restriction.set")
    users = case_memberships(municipality_id=person.municipality_id)
    choices: dict[int, str] = {}
    for m in users:
        choices.setdefault(m.user_id, f"{m.user}（{m.organization.name}）")
    initial = {"restriction": person.restriction, "restriction_note": person.restriction_note,
               "restriction_users": [str(i) for i in person.restriction_users.values_list("pk", flat=True)]}
    form = RestrictionForm(request.POST or None, initial=initial,
                           user_choices=[(str(k), v) for k, v in choices.items()])
    if request.method == "POST" and form.is_valid():
        try:
            services.person_restriction_set(
                actor=member, person=person, kind=form.cleaned_data["restriction"],
                user_ids=[int(i) for i in form.cleaned_data["restriction_users"]],
                note=form.cleaned_data["restriction_note"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "閲覧制限を更新しました。")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/restriction.html", {"form": form, "person": person},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def disclosure_lookup(request: HttpRequest) -> HttpResponse:
    member = membership_of(request)
    if not policy.can(member, "disclosure.lookup"):
        raise PermissionDenied("開示記録は監査担当と推進員のみが閲覧できます。")
    form = DisclosureLookupForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("people:disclosures", person_id=form.cleaned_data["person_id"])
    return render(request, "people/disclosure_lookup.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def disclosures(request: HttpRequest, person_id: int) -> HttpResponse:
    member = membership_of(request)
    export = request.GET.get("format") == "csv"
    report = disclosure_report(member, person_id, export=export)
    if export:
        response = HttpResponse(disclosure_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="disclosures-{person_id}.csv"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "people/disclosures.html", {"report": report})
