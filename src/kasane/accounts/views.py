"""Login, second factor, password change, organization switch and API tokens."""

from __future__ import annotations

from typing import cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from kasane.core.forms import add_service_errors

from . import services
from .forms import LoginForm, OtpForm, PasswordForm, TokenForm
from .http import user_of
from .middleware import SESSION_MEMBERSHIP_KEY
from .models import User
from .oidc import oidc_enabled


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    retry_after = 0
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_authenticate(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                request=request,
            )
        except services.LoginError as exc:
            form.add_error(None, str(exc))
            retry_after = getattr(exc, "retry_after", 0)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if services.mfa_required():
                request.session["kasane_next"] = _next_url(request)
                return redirect("accounts:otp")
            return redirect(_next_url(request))
    response = render(request, "accounts/login.html",
                      {"form": form, "next": _next_url(request), "oidc_enabled": oidc_enabled(),
                       "oidc_label": settings.KASANE_OIDC_BUTTON_LABEL},
                      status=429 if retry_after else 400 if form.errors else 200)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "ログアウトしました。")
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def otp_view(request: HttpRequest) -> HttpResponse:
    """Second factor: enrol a TOTP app on first use, then verify a 6-digit code."""
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return redirect("web:home")
    confirmed = services.totp_device_confirmed(user)  # type: ignore[arg-type]
    device = confirmed or services.totp_device_start(user=user)  # type: ignore[arg-type]
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = services.otp_verify(user=user, token=form.cleaned_data["token"])  # type: ignore[arg-type]
        except services.LoginError as exc:
            form.add_error("token", str(exc))
        else:
            otp_login(request, verified)
            return redirect(request.session.pop("kasane_next", "/"))
    qr_svg = None
    if confirmed is None:
        qr_svg = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
    return render(request, "accounts/otp.html",
                  {"form": form, "enrolling": confirmed is None, "qr_svg": qr_svg,
                   "secret": device.bin_key.hex() if confirmed is None else ""},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(cast(User, request.user), request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "パスワードを変更しました。")
        return redirect("web:home")
    return render(request, "accounts/password_change.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def switch_membership(request: HttpRequest) -> HttpResponse:
    try:
        wanted = int(request.POST.get("membership", ""))
    except ValueError:
        wanted = -1
    membership = services.membership_for(user_of(request), wanted)
    if membership is None or membership.pk != wanted:
        messages.error(request, "選択した所属に切り替えられません。")
    else:
        request.session[SESSION_MEMBERSHIP_KEY] = membership.pk
        messages.success(request, f"{membership.organization.name}（{membership.role_label}）に切り替えました。")
    return redirect(_next_url(request))


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, user=user_of(request))
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            new_key = services.api_token_issue(user=user_of(request),
                                               membership=form.cleaned_data["membership"],
                                               name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = TokenForm(user=user_of(request))
    return render(request, "accounts/tokens.html",
                  {"form": form, "tokens": services.api_tokens_of(user_of(request)), "new_key": new_key,
                   "token_days": settings.KASANE_TOKEN_DAYS, "token_limit": settings.KASANE_TOKENS_PER_USER},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.api_token_revoke(user=user_of(request), token_id=token_id)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "トークンを失効させました。")
    return redirect("accounts:tokens")
