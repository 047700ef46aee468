"""OpenID Connect single sign-on (issue 22): an option, off unless ``KASANE_OIDC_ENABLED``.

The code flow is mozilla-django-oidc's (state, nonce, PKCE, signature checked against the
provider's JWKS); Kasane adds what a municipality needs around it:

- **Matching, never guessing.** The provider's claim named by ``KASANE_OIDC_MATCH_CLAIM``
  (``email``, or ``preferred_username`` matched to the Kasane username) must name exactly
  one existing account. Unknown users are refused with a Japanese message; an account is
  created only when ``KASANE_OIDC_CREATE_USERS_IN`` names a municipality (its code): in that
  tenant, with no membership and no password — an admin still gives roles. Inactive or locked accounts are refused.
- **Token checks the library leaves out.** The ID token's ``aud`` must contain our client id
  and its ``iss`` must equal ``KASANE_OIDC_ISSUER`` (when set).
- **MFA still enforced.** When the ID token's ``amr`` names a second factor
  (``KASANE_OIDC_MFA_AMR``) or its ``acr`` is one of ``KASANE_OIDC_MFA_ACR``, the session is
  marked verified through a tokenless django-otp marker device (``idp_mfa_device``).
  Otherwise the user goes through Kasane's own TOTP step, exactly as after a password login.
- **Audited.** Every SSO login and every refusal writes an AccessLog row (``login``,
  detail ``oidc …``).
"""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from kasane.audit import services as audit
from kasane.audit.models import Basis

from . import services
from .models import Municipality, User

IDP_MFA_DEVICE_NAME = "SSO（認証基盤の多要素認証）"
MESSAGE_UNKNOWN = ("シングルサインオンの利用者は、このシステムに登録されていません。"
                   "管理者に利用者の登録を依頼してください。")
MESSAGE_UNUSABLE = "このアカウントは現在ログインできません。管理者にお問い合わせください。"
MESSAGE_FAILED = "シングルサインオンでログインできませんでした。もう一度お試しください。"
REFUSAL_ATTR = "kasane_oidc_refusal"


def oidc_enabled() -> bool:
    return bool(getattr(settings, "KASANE_OIDC_ENABLED", False))


def _log(user: User | None, name: str, *, ok: bool, detail: str) -> None:
    audit.access_log(user=user, action="login", basis=Basis.NOT_PERSONAL if ok else Basis.DENIED,
                     object_type="login", object_id=name[:64], detail=detail)


def claims_give_mfa(payload: dict[str, Any]) -> bool:
    """Whether the ID token says the provider checked a second factor (``amr``/``acr``)."""
    amr = payload.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    wanted_amr = {v.lower() for v in settings.KASANE_OIDC_MFA_AMR}
    if any(str(v).lower() in wanted_amr for v in amr):
        return True
    acr = str(payload.get("acr") or "")
    return bool(acr) and acr in settings.KASANE_OIDC_MFA_ACR


def idp_mfa_device(user: User) -> StaticDevice:
    """The user's marker device for "the provider checked a second factor": confirmed and
    without tokens, so it never accepts a code typed on Kasane's own OTP page."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=IDP_MFA_DEVICE_NAME,
                                                   defaults={"confirmed": True})
    device.token_set.all().delete()
    return device


class KasaneOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """The library's backend with our matching, checks and refusals (see module doc)."""

    request: HttpRequest

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the SSO callback passes a nonce; a password login (username/password) never
        # reaches the provider, whatever its query string holds.
        if request is None or "nonce" not in kwargs or "username" in kwargs:
            return None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def get_user(self, user_id: Any) -> User | None:
        """The session's user while the account is active (the library's skips that check)."""
        user: User | None = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if "nonce" not in kwargs:  # a JWT userinfo answer, not the ID token
            return payload
        aud = payload.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience is not this client")
        issuer = settings.KASANE_OIDC_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token issuer does not match KASANE_OIDC_ISSUER")
        self.request.kasane_oidc_mfa = claims_give_mfa(payload)  # type: ignore[attr-defined]
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get(settings.KASANE_OIDC_MATCH_CLAIM))

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"{settings.KASANE_OIDC_MATCH_CLAIM} {claims.get(settings.KASANE_OIDC_MATCH_CLAIM)}"

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        value = str(claims.get(settings.KASANE_OIDC_MATCH_CLAIM) or "").strip()
        if not value:
            return User.objects.none()
        if settings.KASANE_OIDC_MATCH_CLAIM == "email":
            return User.objects.filter(email__iexact=value)
        return User.objects.filter(username=value)

    def get_or_create_user(self, access_token: str, id_token: str,
                           payload: dict[str, Any]) -> User | None:
        user: User | None = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            self._refuse("oidc unknown user", MESSAGE_UNKNOWN)
        elif not user.is_active or services.user_is_locked(user):
            self._refuse("oidc unusable account", MESSAGE_UNUSABLE, user)
            return None
        return user

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = super().get_userinfo(access_token, id_token, payload)
        self.request.kasane_oidc_name = str(  # type: ignore[attr-defined]
            claims.get(settings.KASANE_OIDC_MATCH_CLAIM) or payload.get("sub") or "")
        return claims

    def create_user(self, claims: dict[str, Any]) -> User:
        value = str(claims[settings.KASANE_OIDC_MATCH_CLAIM])
        username = value if settings.KASANE_OIDC_MATCH_CLAIM != "email" else value.split("@")[0]
        municipality = Municipality.objects.get(code=settings.KASANE_OIDC_CREATE_USERS_IN)
        user = User.objects.create_user(username=username[:150], email=claims.get("email") or "",
                                        municipality=municipality,
                                        display_name=str(claims.get("name") or username)[:100])
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit.change_record(user=user, instance=user, operation="create", reason="oidc")
        return user

    def _refuse(self, detail: str, message: str, user: User | None = None) -> None:
        setattr(self.request, REFUSAL_ATTR, (detail, message, user))


class CallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """The provider's answer: log the outcome, then MFA (provider's or ours)."""

    def get(self, request: HttpRequest) -> HttpResponseBase:
        try:
            response: HttpResponseBase = super().get(request)
        except (SuspiciousOperation, requests.RequestException, KeyError, ValueError) as exc:
            setattr(request, REFUSAL_ATTR, (f"oidc error: {type(exc).__name__}", MESSAGE_FAILED, None))
            return self.login_failure()
        return response

    def login_failure(self) -> HttpResponse:
        detail, message, user = getattr(self.request, REFUSAL_ATTR, None) or (
            "oidc failed" + (f": {self.request.GET['error']}"[:80] if self.request.GET.get("error") else ""),
            MESSAGE_FAILED, None)
        name = getattr(self.request, "kasane_oidc_name", "") or (user.username if user else "(sso)")
        _log(user, name, ok=False, detail=detail)
        messages.error(self.request, message)
        return redirect("accounts:login")

    def login_success(self) -> HttpResponse:
        super().login_success()
        user: User = self.user
        by_provider = bool(getattr(self.request, "kasane_oidc_mfa", False))
        if by_provider:
            otp_login(self.request, idp_mfa_device(user))
        _log(user, user.username, ok=True, detail="oidc" + (" mfa by provider" if by_provider else ""))
        if services.mfa_required() and not by_provider:
            self.request.session["kasane_next"] = self.success_url
            return redirect("accounts:otp")
        return redirect(self.success_url)


def _only_when_enabled(view: Any) -> Any:
    def wrapped(request: HttpRequest) -> HttpResponseBase:
        if not oidc_enabled():
            raise Http404
        response: HttpResponseBase = view(request)
        return response
    return wrapped


authenticate_view = _only_when_enabled(OIDCAuthenticationRequestView.as_view())
callback_view = _only_when_enabled(CallbackView.as_view())
