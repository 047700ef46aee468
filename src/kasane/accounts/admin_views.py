"""管理者 screens: organizations, 担当課 and users of the admin's own municipality only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kasane.core.forms import add_service_errors

from . import services
from .forms import MembershipForm, OrganizationForm, UnitForm, UserForm
from .http import user_of
from .models import Membership, Organization, RoleRequest, Unit, User


def _get(model: Any, municipality: Any, pk: int | None) -> Any:
    """An object of the admin's own tenant; 404 for other tenants (as if absent)."""
    if pk is None:
        return model(municipality=municipality)
    obj = model.objects.filter(pk=pk, municipality=municipality).first()
    if obj is None:
        raise Http404
    return obj


def _save(form: Any, save: Any, request: HttpRequest) -> bool:
    try:
        save()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, "保存しました。")
    return True


@login_required
def index(request: HttpRequest) -> HttpResponse:
    municipality = services.require_admin(user_of(request))
    return render(request, "accounts/admin/index.html", {
        "municipality": municipality,
        "organizations": Organization.objects.filter(municipality=municipality).select_related("unit"),
        "units": Unit.objects.filter(municipality=municipality),
        "users": User.objects.filter(municipality=municipality).prefetch_related(
            "memberships__organization").order_by("username"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    municipality = services.require_admin(user_of(request))
    obj = _get(Organization, municipality, pk)
    form = OrganizationForm(request.POST or None, instance=obj, municipality=municipality)
    if request.method == "POST" and form.is_valid() and _save(
        form, lambda: services.organization_save(actor=user_of(request), organization=form.instance),
        request,
    ):
        return redirect("accounts:admin")
    return render(request, "accounts/admin/edit.html",
                  {"form": form, "title": "組織の編集" if pk else "組織の追加"},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    municipality = services.require_admin(user_of(request))
    obj = _get(Unit, municipality, pk)
    form = UnitForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid() and _save(
        form, lambda: services.unit_save(actor=user_of(request), unit=form.instance), request,
    ):
        return redirect("accounts:admin")
    return render(request, "accounts/admin/edit.html",
                  {"form": form, "title": "担当課の編集" if pk else "担当課の追加"},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    municipality = services.require_admin(user_of(request))
    obj = _get(User, municipality, pk)
    form = UserForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid() and _save(
        form,
        lambda: services.user_save(actor=user_of(request), user=form.instance,
                                   password=form.cleaned_data.get("password")),
        request,
    ):
        return redirect("accounts:admin_user", pk=form.instance.pk)
    membership_form = MembershipForm(municipality=municipality) if obj.pk else None
    return render(request, "accounts/admin/user.html", {
        "form": form, "obj": obj, "membership_form": membership_form,
        "memberships": obj.memberships.select_related("organization") if obj.pk else [],
        "pending": (RoleRequest.objects.filter(user=obj, status=RoleRequest.Status.PENDING)
                    .select_related("organization", "requested_by") if obj.pk else []),
        "locked": obj.pk and services.user_is_locked(obj),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a role; a case role or 監査 becomes a request another person approves."""
    municipality = services.require_admin(user_of(request))
    user = _get(User, municipality, pk)
    form = MembershipForm(request.POST, municipality=municipality)
    if not form.is_valid():
        messages.error(request, "所属と役割を選択してください。")
        return redirect("accounts:admin_user", pk=user.pk)
    try:
        result = services.membership_add(actor=user_of(request), user=user,
                                         organization=form.cleaned_data["organization"],
                                         role=form.cleaned_data["role"])
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _message(exc))
        return redirect("accounts:admin_user", pk=user.pk)
    if isinstance(result, RoleRequest):
        messages.success(request, "役割の付与を申請しました。別の管理者または推進員が承認すると有効になります。")
    else:
        messages.success(request, "所属を追加しました。")
    return redirect("accounts:admin_user", pk=user.pk)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "この操作はできません。"


@login_required
@require_GET
def role_requests(request: HttpRequest) -> HttpResponse:
    """役割付与の申請: the pending requests this admin or coordinator may decide."""
    user = user_of(request)
    if not services.can_decide_role_requests(user):
        raise PermissionDenied("役割付与の申請を決定できるのは、管理者または推進員です。")
    return render(request, "accounts/admin/role_requests.html",
                  {"requests": services.role_requests_pending(user=user)})


@login_required
@require_POST
def role_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    role_request = RoleRequest.objects.filter(pk=pk, municipality_id=user.municipality_id or 0).first()
    if role_request is None:
        raise Http404
    approve = request.POST.get("decision") == "approve"
    try:
        services.role_request_decide(actor=user, role_request=role_request, approve=approve,
                                     note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, "承認しました。" if approve else "却下しました。")
    return redirect("accounts:role_requests")


@login_required
@require_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = services.require_admin(user_of(request))
    membership = Membership.objects.filter(pk=pk, organization__municipality=municipality).first()
    if membership is None:
        raise Http404
    services.membership_end(actor=user_of(request), membership=membership)
    messages.success(request, "所属を終了しました。")
    return redirect("accounts:admin_user", pk=membership.user_id)


@login_required
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = services.require_admin(user_of(request))
    user = _get(User, municipality, pk)
    services.user_unlock(actor=user_of(request), user=user)
    messages.success(request, "ロックを解除しました。")
    return redirect("accounts:admin_user", pk=user.pk)
