"""Tenants, organizations, departments, users and their memberships (DESIGN.md §4)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from .validators import validate_local_government_code, validate_unit_code


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "相談支援包括化推進員"
    PROMOTER = "promoter", "相談支援推進員"
    CASEWORKER = "caseworker", "相談員・CSW"
    SUPPORTER = "supporter", "相談支援サポーター"
    LIAISON = "liaison", "連絡員"
    SECRETARIAT = "secretariat", "事務局"
    COMMITTEE = "committee", "委員"
    AUDITOR = "auditor", "監査"
    ADMIN = "admin", "管理者"


UNIT_STAFF_LABEL = "担当課職員"

# Roles that handle individual cases (may record and, on a legal basis, read personal data).
CASE_ROLES = frozenset({Role.COORDINATOR, Role.PROMOTER, Role.CASEWORKER, Role.SUPPORTER})


class OrganizationKind(models.TextChoices):
    DEPARTMENT = "department", "市区町村部署"
    SHAKYO = "shakyo", "社会福祉協議会"
    CONTRACTOR = "contractor", "委託事業所"
    AGENCY = "agency", "関係機関"
    PRIVATE = "private", "民間団体"


class Municipality(models.Model):
    """The tenant. No query ever crosses two municipalities."""

    code = models.CharField("地方公共団体コード", max_length=6, unique=True,
                            validators=[validate_local_government_code])
    name = models.CharField("名称", max_length=100)
    prefecture = models.CharField("都道府県", max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "自治体"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.prefecture}{self.name}"


class Unit(models.Model):
    """A 担当課 with a one-character code and the municipality's own order (PDCA tables)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    code = models.CharField("担当課コード", max_length=1, validators=[validate_unit_code])
    name = models.CharField("課名", max_length=100)
    order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "担当課"
        ordering = ["municipality", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="unit_code_unique"),
        ]

    def __str__(self) -> str:
        """The name: screens show a 担当課 by name. The one-character code is the PDCA
        report tables' abbreviation (their legend reads 「共…共生推進課」)."""
        return self.name


class Organization(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="organizations")
    name = models.CharField("名称", max_length=150)
    kind = models.CharField("種別", max_length=20, choices=OrganizationKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="organizations", verbose_name="担当課")
    is_active = models.BooleanField("有効", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "組織"
        ordering = ["municipality", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="organization_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. Belongs to one tenant; acts through a Membership."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="users", verbose_name="自治体")
    display_name = models.CharField("表示名", max_length=100, blank=True)
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "利用者"

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(models.Model):
    """A user's role in one organization. A user may belong to several organizations."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="memberships")
    role = models.CharField("役割", max_length=20, choices=Role.choices)
    is_active = models.BooleanField("有効", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "所属"
        ordering = ["organization__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"],
                                    name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} / {self.role_label}"

    @property
    def handles_cases(self) -> bool:
        return self.role in CASE_ROLES

    @property
    def role_label(self) -> str:
        """The role as screens show it. A 相談員・CSW (``caseworker``) of a 市区町村部署 that is
        a 担当課 (its organization has a Unit) is shown as 「担当課職員」: the department's
        staff who write the PDCA self-evaluation. The role code stays ``caseworker``."""
        organization = self.organization
        if (self.role == Role.CASEWORKER and organization.kind == OrganizationKind.DEPARTMENT
                and organization.unit_id is not None):
            return UNIT_STAFF_LABEL
        return self.get_role_display()


class MembershipPeriod(models.Model):
    """When a membership was in force (history for "as of 31 March" figures, P0-1). Opened
    and closed by ``services`` with the membership; a membership with no period rows (made
    before this history existed) counts from its ``created_at`` while active."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="periods")
    started_on = models.DateField("開始日")
    ended_on = models.DateField("終了日", null=True, blank=True)

    class Meta:
        verbose_name = "所属の期間"
        ordering = ["membership", "started_on", "id"]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.started_on}〜{self.ended_on or ''}"


# The acting membership: every service, policy and selector takes one (``request.membership``
# on screens and in the API). Organization, tenant and user all come from it.
Actor = Membership


class ApiToken(models.Model):
    """A revocable bearer token. Only a SHA-256 hash of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="api_tokens")
    name = models.CharField("名前", max_length=100, default="API")
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("有効期限", null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "APIトークン"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def expires(self) -> dt.datetime:
        """When the token stops working: ``expires_at``, or for tokens issued before expiry
        existed, ``KASANE_TOKEN_DAYS`` after their creation."""
        return self.expires_at or self.created_at + dt.timedelta(days=settings.KASANE_TOKEN_DAYS)

    @property
    def is_expired(self) -> bool:
        return self.expires <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


# Roles that open case content (or the audit trail's values): never granted by one person alone.
APPROVAL_ROLES = frozenset(CASE_ROLES | {Role.AUDITOR})


class RoleRequest(models.Model):
    """A request to give a user a role in APPROVAL_ROLES. One admin asks; another admin or a
    coordinator of the tenant (never the requester, never the user concerned) approves or
    rejects it. Only an approval creates (or reactivates) the Membership."""

    class Status(models.TextChoices):
        PENDING = "pending", "承認待ち"
        APPROVED = "approved", "承認"
        REJECTED = "rejected", "却下"

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="自治体")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_requests",
                             verbose_name="対象の利用者")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="組織")
    role = models.CharField("役割", max_length=20, choices=Role.choices)
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="申請者")
    requested_at = models.DateTimeField("申請日時", auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="承認者")
    decided_at = models.DateTimeField("決定日時", null=True, blank=True)
    note = models.CharField("メモ", max_length=300, blank=True)

    class Meta:
        verbose_name = "役割付与の申請"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"],
                                    condition=models.Q(status="pending"),
                                    name="role_request_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.organization} {self.role} ({self.status})"


class LoginFailure(models.Model):
    """One failed login (password step) for a username from an address, kept for the rate
    limit window only. ``key`` is a SHA-256 of (lower-cased username, address): the table
    says nothing readable about who tried what; the audit log keeps the details."""

    key = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "ログイン失敗"
        indexes = [models.Index(fields=["key", "at"], name="login_failure_key_at")]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.at:%Y-%m-%d %H:%M}"

    @staticmethod
    def key_for(username: str, ip: str | None) -> str:
        return hashlib.sha256(f"{username.strip().lower()}\n{ip or ''}".encode()).hexdigest()
