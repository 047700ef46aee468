"""Grants of access to a person on a legal basis (DESIGN.md §5, docs/access.md).

Nothing but ``kasane.access.services`` writes these rows, and nothing but
``kasane.access.policy`` reads them to decide visibility.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from kasane.audit.models import Basis
from kasane.people.models import Purpose


class GrantBasis(models.TextChoices):
    """The bases a Grant may carry (a subset of ``audit.Basis``; same codes)."""

    OWN_RECORD = Basis.OWN_RECORD.value, Basis.OWN_RECORD.label
    CONSENT = Basis.CONSENT.value, Basis.CONSENT.label
    SUPPORT_MEETING = Basis.SUPPORT_MEETING.value, Basis.SUPPORT_MEETING.label
    CASE_INVOLVEMENT = Basis.CASE_INVOLVEMENT.value, Basis.CASE_INVOLVEMENT.label
    EMERGENCY = Basis.EMERGENCY.value, Basis.EMERGENCY.label


SCOPE_ALL = "all"


def scope_from(purposes: list[str] | tuple[str, ...] | None) -> str:
    """The stored scope for a list of purposes ("all" when none are named)."""
    if not purposes:
        return SCOPE_ALL
    return ",".join(sorted(set(purposes)))


class Grant(models.Model):
    """Permission for an organization (or one user, or one user in one org) to see a person."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="grants",
                               verbose_name="本人")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="grants", verbose_name="組織")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="grants", verbose_name="利用者")
    basis = models.CharField("法的根拠", max_length=20, choices=GrantBasis.choices)
    scope = models.CharField("範囲", max_length=200, default=SCOPE_ALL,
                             help_text="all または目的コードのカンマ区切り")
    valid_from = models.DateTimeField("有効開始", default=timezone.now)
    valid_until = models.DateTimeField("有効期限", null=True, blank=True)
    ended_at = models.DateTimeField("終了日時", null=True, blank=True)
    end_reason = models.CharField("終了理由", max_length=300, blank=True)
    source_type = models.CharField("根拠の記録", max_length=40, blank=True)
    source_id = models.CharField("根拠の記録ID", max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "閲覧の根拠（グラント）"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "person"], name="grant_org_person"),
            models.Index(fields=["user", "person"], name="grant_user_person"),
            models.Index(fields=["source_type", "source_id"], name="grant_source"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False) | models.Q(user__isnull=False),
                name="grant_has_grantee"),
        ]

    def __str__(self) -> str:
        who = self.organization or self.user
        return f"{who} → 本人#{self.person_id} ({self.basis})"

    @property
    def scopes(self) -> list[str]:
        return [] if self.scope == SCOPE_ALL else self.scope.split(",")

    @property
    def scope_labels(self) -> list[str]:
        if self.scope == SCOPE_ALL:
            return ["すべて"]
        labels = dict(Purpose.choices)
        return [str(labels.get(code, code)) for code in self.scopes]

    def is_active(self, at: object = None) -> bool:
        now = at or timezone.now()
        return (self.ended_at is None and self.valid_from <= now  # type: ignore[operator]
                and (self.valid_until is None or self.valid_until > now))  # type: ignore[operator]


class ReviewOutcome(models.TextChoices):
    APPROPRIATE = "appropriate", "適切"
    INAPPROPRIATE = "inappropriate", "不適切"


class EmergencyReview(models.Model):
    """An emergency access waiting for (or given) a coordinator's after-the-fact review."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    grant = models.OneToOneField(Grant, on_delete=models.PROTECT, related_name="review")
    reason = models.TextField("理由")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="申請者")
    requested_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                      related_name="+", verbose_name="申請組織")
    requested_at = models.DateTimeField("申請日時", auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name="確認者")
    reviewed_at = models.DateTimeField("確認日時", null=True, blank=True)
    outcome = models.CharField("確認結果", max_length=20, choices=ReviewOutcome.choices,
                               blank=True)
    note = models.TextField("確認メモ", blank=True)

    class Meta:
        verbose_name = "緊急アクセスの事後確認"
        ordering = ["reviewed_at", "-requested_at"]
        indexes = [models.Index(fields=["municipality", "reviewed_at"], name="review_muni_open")]

    def __str__(self) -> str:
        return f"緊急アクセス #{self.grant_id}"

    @property
    def is_open(self) -> bool:
        return self.reviewed_at is None
