"""Person screens: search, register, page, edit. Thin: forms parse, services/selectors act,
``access.policy`` decides and logs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from kasane.access import policy
from kasane.access.http import acting as _acting
from kasane.access.selectors import grants_for_person
from kasane.accounts.models import Actor
from kasane.audit.models import Basis
from kasane.core.forms import add_service_errors, check_invalid_form

from .. import selectors, services
from ..forms.persons import PersonCreateForm, PersonEditForm, SearchForm
from ..presenters import person_areas, person_view


def acting(request: HttpRequest) -> Actor:
    """The acting membership; person screens are only for case roles."""
    return _acting(request, policy.PERSONS_NOT_HANDLER)


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    member = acting(request)
    form = SearchForm(request.GET or None)
    result = None
    if "q" in request.GET and form.is_valid():
        result = selectors.person_search(member, form.cleaned_data["q"])
        if result.error:  # shown at the field, like every other input error
            form.add_error("q", result.error)
            result = None
    return render(request, "people/search.html", {"form": form, "result": result},
                  status=400 if form.is_bound and form.errors else 200)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    member = acting(request)
    anchor = None
    anchor_id = request.POST.get("household_with") or request.GET.get("household_with")
    if anchor_id:
        anchor, _ = policy.require_person(member, anchor_id, detail="世帯員の登録")
    initial = {"household_with": anchor.pk, "address": anchor.address,
               "postal_code": anchor.postal_code, "phone": anchor.phone,
               "family_name": anchor.family_name, "family_name_kana": anchor.family_name_kana} \
        if anchor is not None and not policy.is_restricted_for(member, anchor) else {}
    if anchor is not None:
        initial["household_with"] = anchor.pk
    form = PersonCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and not form.is_valid():
        check_invalid_form(form, lambda d: services.person_check(fields=d))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=member, fields=form.person_fields(),
                                            household_with=anchor,
                                            relation=form.cleaned_data.get("relation") or "")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{person.full_name} さんを登録しました。")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/create.html", {"form": form, "anchor": anchor},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def detail(request: HttpRequest, person_id: int) -> HttpResponse:
    member = acting(request)
    try:
        person, basis = policy.require_person(member, person_id)
    except Http404:
        return render(request, "people/not_visible.html", {"person_id": person_id}, status=404)
    show_grants = policy.can(member, "grants.view", person)
    view = person_view(member, person)
    return render(request, "people/detail.html", {
        "person": person, "view": view, "basis": basis,
        "areas": person_areas(person, view.masked),
        "basis_label": Basis(basis).label,
        "household": selectors.household_of(member, person),
        "relation": None if policy.is_restricted_for(member, person) else selectors.own_relation(person),
        "consents": selectors.consents_of(person),
        "grants": grants_for_person(actor=member, person=person) if show_grants else None,
        "can_edit": policy.can(member, "edit", person),
        "can_consent": policy.can(member, "consent.record", person),
        "can_restrict": policy.can(member, "restriction.set", person),
        "can_disclose": policy.can(member, "disclosure.view", person),
        "identity": selectors.identity_of(member, person, log=False),  # 名寄せ
    })


@login_required
def edit(request: HttpRequest, person_id: int) -> HttpResponse:
    member = acting(request)
    person, _ = policy.require_person(member, person_id, action="edit")
    if policy.is_restricted_for(member, person):
        raise PermissionDenied("閲覧制限のため、指定された利用者のみが変更できます。")
    initial = {name: getattr(person, name) for name in PersonEditForm.base_fields if name != "reason"}
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and not form.is_valid():
        check_invalid_form(form, lambda d: services.person_check(fields=d))
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            services.person_update(actor=member, person=person, fields=fields,
                                   reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "本人情報を変更しました（変更履歴に記録しました）。")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/edit.html", {"form": form, "person": person},
                  status=400 if form.errors else 200)
