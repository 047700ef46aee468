"""本人同意 screens: record, withdraw, and the access-checked scanned form."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from kasane.access import policy
from kasane.core.forms import add_service_errors
from kasane.core.streaming import FileDownloadResponse

from .. import selectors, services
from ..forms.persons import ConsentForm, WithdrawForm
from .persons import acting


@login_required
def consent_create(request: HttpRequest, person_id: int) -> HttpResponse:
    member = acting(request)
    person, _ = policy.require_person(member, person_id, action="consent.record")
    form = ConsentForm(request.POST or None, request.FILES or None,
                       municipality_id=person.municipality_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                actor=member, person=person,
                organization_ids=[o.pk for o in data["organizations"]],
                purposes=data["purposes"], obtained_on=data["obtained_on"], method=data["method"],
                heard_by=data["heard_by"], proxy_name=data["proxy_name"],
                proxy_relation=data["proxy_relation"], valid_until=data["valid_until"],
                note=data["note"], scanned_file=data["scanned_file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "本人同意を記録しました。共有先の組織が閲覧できるようになりました。")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/consent_form.html", {"form": form, "person": person},
                  status=400 if form.errors else 200)


@login_required
def consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    member = acting(request)
    consent = selectors.consent_for(member, consent_id, "consent.withdraw")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(actor=member, consent=consent,
                                      reason=form.cleaned_data["reason"],
                                      withdrawn_on=form.cleaned_data["withdrawn_on"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "本人同意を撤回しました。共有先の閲覧の根拠は終了しました。")
            return redirect("people:detail", person_id=consent.person_id)
    return render(request, "people/consent_withdraw.html",
                  {"form": form, "consent": consent, "person": consent.person},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def consent_file(request: HttpRequest, consent_id: int) -> FileDownloadResponse:
    member = acting(request)
    consent = selectors.consent_for(member, consent_id, "consent.file")
    if not consent.scanned_file:
        raise Http404("ファイルがありません。")
    name = consent.scanned_file.name or ""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileDownloadResponse(consent.scanned_file.open("rb"),
                            content_type=content_type,
                            filename=f"consent-{consent.pk}{name[name.rfind('.'):]}")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
