"""Account operations: login with lockout, MFA, API tokens, tenant administration.

Every function here is the only writer of its records; views, the API and commands call them.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from kasane.audit import context as audit_context
from kasane.audit import services as audit
from kasane.audit.models import Basis

from . import events
from .models import (
    APPROVAL_ROLES,
    ApiToken,
    LoginFailure,
    Membership,
    MembershipPeriod,
    Municipality,
    Organization,
    Role,
    RoleRequest,
    Unit,
    User,
)

LOGIN_FAILED_MESSAGE = "ユーザー名またはパスワードが正しくありません。"
OTP_FAILED_MESSAGE = "確認コードが正しくありません。"


class LoginError(Exception):
    """A refused login; ``str(exc)`` is the Japanese message to show (never hints existence)."""


class LoginThrottled(LoginError):
    """Too many failed logins for this username from this address (answer 429)."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(f"ログインの失敗が続いたため、受け付けを止めています。{minutes}分後にもう一度お試しください。")
        self.retry_after = retry_after


def _throttle_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.KASANE_LOGIN_THROTTLE_MINUTES)


def login_wait_seconds(*, username: str, ip: str | None, now: dt.datetime | None = None) -> int:
    """Seconds until this username may try again from this address (0: now). The limit
    counts failures whether or not the account exists; successes clear it."""
    now = now or timezone.now()
    attempts = settings.KASANE_LOGIN_THROTTLE_ATTEMPTS
    times = list(LoginFailure.objects.filter(
        key=LoginFailure.key_for(username, ip), at__gt=now - _throttle_window(),
    ).order_by("-at").values_list("at", flat=True)[:attempts])
    if len(times) < attempts:
        return 0
    return max(1, math.ceil((times[-1] + _throttle_window() - now).total_seconds()))


def _login_failed(username: str, ip: str | None) -> None:
    now = timezone.now()
    LoginFailure.objects.filter(at__lte=now - _throttle_window()).delete()  # the window only
    LoginFailure.objects.create(key=LoginFailure.key_for(username, ip))


def _log_login(user: User | None, username: str, action: str, ok: bool, detail: str = "") -> None:
    audit.access_log(
        user=user, action=action, basis=Basis.NOT_PERSONAL if ok else Basis.DENIED,
        object_type="login", object_id=username[:64], detail=detail,
    )


def user_is_locked(user: User, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return user.locked_until is not None and user.locked_until > now


def user_authenticate(*, username: str, password: str, request: Any = None) -> User:
    """Check a username/password with lockout after repeated failures.

    Raises LoginError with the same message whether the user exists, is locked or not, and
    takes the same time: the password hasher runs in every branch (an unknown user through
    Django's ModelBackend, a locked one here), so neither the lock nor existence is an oracle.
    Before anything, the rate limit (``login_wait_seconds``) may raise LoginThrottled.
    """
    ip = audit_context.current().ip
    wait = login_wait_seconds(username=username, ip=ip)
    if wait:
        _log_login(None, username, "login", ok=False, detail="throttled")
        raise LoginThrottled(wait)
    user = User.objects.filter(username=username).first()
    authenticated = authenticate(request, username=username, password=password)
    if user is not None and user_is_locked(user):
        _login_failed(username, ip)
        _log_login(user, username, "login", ok=False, detail="locked")
        raise LoginError(LOGIN_FAILED_MESSAGE)
    if authenticated is None:
        if user is not None:
            _register_failure(user)
        _login_failed(username, ip)
        _log_login(user, username, "login", ok=False, detail="bad credentials")
        raise LoginError(LOGIN_FAILED_MESSAGE)
    assert isinstance(authenticated, User)
    LoginFailure.objects.filter(key=LoginFailure.key_for(username, ip)).delete()
    if authenticated.failed_login_count or authenticated.locked_until:
        User.objects.filter(pk=authenticated.pk).update(failed_login_count=0, locked_until=None)
        authenticated.failed_login_count = 0
        authenticated.locked_until = None
    return authenticated


def _register_failure(user: User) -> None:
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.failed_login_count += 1
        if locked.failed_login_count >= settings.KASANE_LOCKOUT_THRESHOLD:
            locked.locked_until = timezone.now() + dt.timedelta(
                minutes=settings.KASANE_LOCKOUT_MINUTES
            )
            locked.failed_login_count = 0
        locked.save(update_fields=["failed_login_count", "locked_until"])


def mfa_required() -> bool:
    return bool(settings.KASANE_REQUIRE_MFA)


def totp_device_confirmed(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device for enrolment (reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=False)
    return device


def otp_verify(*, user: User, token: str) -> Any:
    """The device that accepts ``token`` (confirming an enrolment), or raise LoginError."""
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit():
        _log_login(user, user.username, "otp", ok=False, detail="malformed")
        raise LoginError(OTP_FAILED_MESSAGE)
    for device in devices_for_user(user, confirmed=None):
        if device.verify_token(token):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            return device
    _register_failure(user)
    _log_login(user, user.username, "otp", ok=False, detail="bad token")
    raise LoginError(OTP_FAILED_MESSAGE)


def user_active_memberships(user: User) -> list[Membership]:
    memberships = list(
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization", "organization__municipality")
        .order_by("organization__name", "role")
    )
    for m in memberships:
        m.user = user  # the acting membership's user is the request's: no query to read it
    return memberships


def membership_for(user: User, membership_id: int | None) -> Membership | None:
    """The user's chosen active membership, else their first one."""
    return membership_among(user_active_memberships(user), membership_id)


def membership_among(memberships: list[Membership], membership_id: int | None) -> Membership | None:
    """``membership_for`` over ``user_active_memberships`` already loaded."""
    for m in memberships:
        if m.pk == membership_id:
            return m
    return memberships[0] if memberships else None


# --- API tokens ---------------------------------------------------------------------------

def api_tokens_active(user: User) -> QuerySet[ApiToken]:
    """The user's tokens that still work (not revoked, not expired)."""
    now = timezone.now()
    days = dt.timedelta(days=settings.KASANE_TOKEN_DAYS)
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).filter(
        Q(expires_at__gt=now) | Q(expires_at__isnull=True, created_at__gt=now - days))


def api_token_issue(*, user: User, membership: Membership | None = None, name: str = "API") -> str:
    """Create a token and return its secret (shown once; only a hash is stored). It expires
    after ``KASANE_TOKEN_DAYS``; a user holds at most ``KASANE_TOKENS_PER_USER`` active ones."""
    limit = settings.KASANE_TOKENS_PER_USER
    if api_tokens_active(user).count() >= limit:
        raise ValidationError({"name": f"有効なAPIトークンは{limit}個までです。"
                                       "使っていないトークンを失効させてから発行してください。"})
    key = "ksn_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, membership=membership, name=name[:100],
                            prefix=key[4:12], key_hash=ApiToken.hash_key(key),
                            expires_at=timezone.now() + dt.timedelta(days=settings.KASANE_TOKEN_DAYS))
    audit.access_log(user=user, action="token_issue", basis=Basis.NOT_PERSONAL,
                     object_type="api_token", object_id=key[4:12])
    return key


def api_tokens_of(user: User) -> list[ApiToken]:
    """Every token of the user, newest first (the tokens page and GET /auth/tokens)."""
    return list(ApiToken.objects.filter(user=user).select_related("membership__organization"))


def api_token_user(key: str) -> tuple[User, ApiToken] | None:
    token = (
        ApiToken.objects.select_related("user", "membership")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active or token.is_expired:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


def api_token_revoke(*, user: User, token_id: int) -> None:
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise ValidationError("このトークンは存在しないか、すでに失効しています。")
    audit.access_log(user=user, action="token_revoke", basis=Basis.NOT_PERSONAL,
                     object_type="api_token", object_id=token_id)


# --- tenant administration (管理者 of one municipality) -----------------------------------

def is_municipality_admin(user: User) -> bool:
    return Membership.objects.filter(user=user, role=Role.ADMIN, is_active=True).exists()


def require_admin(user: User) -> Municipality:
    """The tenant the user administers; PermissionDenied for anyone else."""
    if not user.is_authenticated or not is_municipality_admin(user) or user.municipality is None:
        raise PermissionDenied("管理者のみが利用できます。")
    return user.municipality


def _same_tenant(municipality: Municipality, *objs: Any) -> None:
    for obj in objs:
        if obj is not None and getattr(obj, "municipality_id", None) != municipality.pk:
            raise PermissionDenied("他の自治体のデータは操作できません。")


def organization_save(*, actor: User, organization: Organization) -> Organization:
    municipality = require_admin(actor)
    if organization.pk is None:
        organization.municipality = municipality
    _same_tenant(municipality, organization, organization.unit)
    organization.full_clean()
    organization.save()
    audit.access_log(user=actor, action="admin_organization_save", basis=Basis.NOT_PERSONAL,
                     object_type="organization", object_id=organization.pk)
    return organization


def unit_save(*, actor: User, unit: Unit) -> Unit:
    municipality = require_admin(actor)
    if unit.pk is None:
        unit.municipality = municipality
    _same_tenant(municipality, unit)
    unit.full_clean()
    unit.save()
    audit.access_log(user=actor, action="admin_unit_save", basis=Basis.NOT_PERSONAL,
                     object_type="unit", object_id=unit.pk)
    return unit


def user_save(*, actor: User, user: User, password: str | None = None) -> User:
    municipality = require_admin(actor)
    if user.pk is None:
        user.municipality = municipality
    _same_tenant(municipality, user)
    if password:
        user.set_password(password)
    elif user.pk is None:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.access_log(user=actor, action="admin_user_save", basis=Basis.NOT_PERSONAL,
                     object_type="user", object_id=user.pk)
    return user


def membership_add(*, actor: User, user: User, organization: Organization,
                   role: str) -> Membership | RoleRequest:
    """Give ``user`` a role. A role that opens case content or the audit trail
    (``APPROVAL_ROLES``) is never given by one person: it becomes a pending RoleRequest
    (``role_request_create``) and is refused for the admin's own account. Other roles are
    given at once."""
    municipality = require_admin(actor)
    _same_tenant(municipality, user, organization)
    if role not in Role.values:
        raise ValidationError({"role": "役割を選択してください。"})
    if role in APPROVAL_ROLES:
        return role_request_create(actor=actor, user=user, organization=organization, role=role)
    return _membership_activate(actor=actor, user=user, organization=organization, role=role)


def _membership_activate(*, actor: User, user: User, organization: Organization,
                         role: str) -> Membership:
    """Create or reactivate a membership, with an access log row and a change record."""
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, organization=organization,
                                                               role=role)
        if created:
            audit.change_record(user=actor, instance=membership, operation="create",
                                organization_id=organization.pk)
        elif not membership.is_active:
            audit.save_changes(membership, {"is_active": True}, user=actor,
                               organization_id=organization.pk)
        if created or not membership.periods.filter(ended_on__isnull=True).exists():
            MembershipPeriod.objects.create(membership=membership,
                                            started_on=timezone.localdate())
        audit.access_log(user=actor, action="admin_membership_add", basis=Basis.NOT_PERSONAL,
                         object_type="membership", object_id=membership.pk)
    return membership


def role_request_create(*, actor: User, user: User, organization: Organization,
                        role: str) -> RoleRequest:
    """A pending request for a role in APPROVAL_ROLES, announced to the tenant's coordinators
    and admins (home inbox, ``events.ROLE_REQUESTED``). Refused for the admin's own account."""
    municipality = require_admin(actor)
    _same_tenant(municipality, user, organization)
    if user.pk == actor.pk:
        raise PermissionDenied("自分自身に相談支援・監査の役割は付与できません。"
                               "別の管理者に依頼してください。")
    if Membership.objects.filter(user=user, organization=organization, role=role,
                                 is_active=True).exists():
        raise ValidationError({"role": "この利用者はすでにこの役割を持っています。"})
    with transaction.atomic():
        pending = RoleRequest.objects.filter(user=user, organization=organization, role=role,
                                             status=RoleRequest.Status.PENDING).first()
        if pending is not None:
            return pending
        request = RoleRequest.objects.create(municipality=municipality, user=user,
                                             organization=organization, role=role,
                                             requested_by=actor)
        audit.change_record(user=actor, instance=request, operation="create",
                            organization_id=organization.pk, reason="役割付与の申請")
        audit.access_log(user=actor, action="admin_role_request", basis=Basis.NOT_PERSONAL,
                         object_type="role_request", object_id=request.pk)
        events.ROLE_REQUESTED.emit(municipality_id=municipality.pk, role_request_id=request.pk,
                                   user_id=user.pk, organization_id=organization.pk, role=role,
                                   requested_by_id=actor.pk)
    return request


def role_request_deciders(municipality_id: int) -> list[int]:
    """Users who may decide role requests of a tenant: its active admins and coordinators."""
    return list(Membership.objects.filter(
        organization__municipality_id=municipality_id, is_active=True,
        organization__is_active=True, role__in=[Role.ADMIN, Role.COORDINATOR],
    ).values_list("user_id", flat=True).distinct())


def can_decide_role_requests(user: User) -> bool:
    return bool(user.is_authenticated and user.municipality_id
                and user.pk in role_request_deciders(user.municipality_id))


def role_requests_pending(*, user: User) -> list[RoleRequest]:
    """The tenant's pending requests this user may decide (not their own, not about them)."""
    if not can_decide_role_requests(user):
        return []
    return list(RoleRequest.objects.filter(
        municipality_id=user.municipality_id or 0, status=RoleRequest.Status.PENDING,
    ).exclude(requested_by=user).exclude(user=user)
        .select_related("user", "organization", "requested_by"))


def role_request_decide(*, actor: User, role_request: RoleRequest, approve: bool,
                        note: str = "") -> Membership | None:
    """Approve (creates/reactivates the membership) or reject a pending request. The decider
    is an admin or coordinator of the tenant other than the requester and the user concerned."""
    if not can_decide_role_requests(actor) or actor.municipality_id != role_request.municipality_id:
        raise PermissionDenied("役割付与の申請を決定できるのは、管理者または推進員です。")
    if actor.pk in (role_request.requested_by_id, role_request.user_id):
        raise PermissionDenied("自分が申請した、または自分についての申請は決定できません。")
    with transaction.atomic():
        locked = RoleRequest.objects.select_for_update().get(pk=role_request.pk)
        if locked.status != RoleRequest.Status.PENDING:
            raise ValidationError("この申請はすでに決定されています。")
        status = RoleRequest.Status.APPROVED if approve else RoleRequest.Status.REJECTED
        audit.save_changes(locked, {"status": status, "decided_by_id": actor.pk,
                                    "decided_at": timezone.now(), "note": note.strip()[:300]},
                           user=actor, organization_id=locked.organization_id,
                           reason="役割付与の承認" if approve else "役割付与の却下")
        membership = _membership_activate(actor=actor, user=locked.user, organization=locked.organization,
                                          role=locked.role) if approve else None
        audit.access_log(user=actor, action="admin_role_decide", basis=Basis.NOT_PERSONAL,
                         object_type="role_request", object_id=locked.pk, detail=status)
        events.ROLE_REQUEST_DECIDED.emit(
            municipality_id=locked.municipality_id, role_request_id=locked.pk, status=status,
            decided_by_id=actor.pk, membership_id=membership.pk if membership else None)
    role_request.status = locked.status
    return membership


def membership_end(*, actor: User, membership: Membership) -> None:
    municipality = require_admin(actor)
    _same_tenant(municipality, membership.organization)
    with transaction.atomic():
        audit.save_changes(membership, {"is_active": False}, user=actor,
                           organization_id=membership.organization_id)
        membership_periods_close(membership)
    audit.access_log(user=actor, action="admin_membership_end", basis=Basis.NOT_PERSONAL,
                     object_type="membership", object_id=membership.pk)


def membership_periods_close(membership: Membership, on: dt.date | None = None) -> None:
    """End the open history period of a membership that stops (yesterday was its last day);
    a membership without history gets one from its creation date."""
    day = on or timezone.localdate()
    if not membership.periods.exists():
        MembershipPeriod.objects.create(membership=membership,
                                        started_on=timezone.localdate(membership.created_at),
                                        ended_on=day - dt.timedelta(days=1))
        return
    membership.periods.filter(ended_on__isnull=True).update(ended_on=day - dt.timedelta(days=1))


def user_unlock(*, actor: User, user: User) -> None:
    municipality = require_admin(actor)
    _same_tenant(municipality, user)
    User.objects.filter(pk=user.pk).update(locked_until=None, failed_login_count=0)
    audit.access_log(user=actor, action="admin_user_unlock", basis=Basis.NOT_PERSONAL,
                     object_type="user", object_id=user.pk)
