"""Retention (issue 22): periods per record type and tenant, legal holds, purge runs.

Nothing here copies personal data: holds and purge reports name records by id only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class RecordType(models.TextChoices):
    CASE = "case", "支援ケース（終結後）"
    SHEET = "sheet", "帳票（ケースに結びつかないもの）"
    PERSON = "person", "本人（ケース・帳票がないもの）"


class RetentionPolicy(models.Model):
    """A tenant's retention period for one record type (absent: the settings' default)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    record_type = models.CharField("記録の種類", max_length=10, choices=RecordType.choices)
    years = models.PositiveSmallIntegerField(
        "保存年数", validators=[MinValueValidator(1), MaxValueValidator(100)])
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "保存期間"
        constraints = [models.UniqueConstraint(fields=["municipality", "record_type"],
                                               name="retention_policy_one_per_type")]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()} {self.years}年"


class LegalHold(models.Model):
    """Keep a person (with every case and sheet about them) or a case (with its contents and
    its subjects) whatever its retention period says, until released."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name="本人")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="支援ケース")
    reason = models.CharField("理由", max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    release_reason = models.CharField("解除の理由", max_length=300, blank=True)

    class Meta:
        verbose_name = "保存の継続（リーガルホールド）"
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=(Q(person__isnull=False, case__isnull=True)
                       | Q(person__isnull=True, case__isnull=False)),
            name="legal_hold_person_xor_case")]

    def __str__(self) -> str:
        return f"本人 #{self.person_id}" if self.person_id else f"ケース#{self.case_id}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class PurgeRun(models.Model):
    """One run of the purge (or of its dry run): what expired, what was held, the counts."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    dry_run = models.BooleanField("確認のみ", default=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    started_by_name = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateField("基準日")
    counts = models.JSONField("件数", default=dict)  # {"case": 3, "contact": 12, …}
    expiring = models.JSONField("対象", default=dict)  # {"case": [ids], …}
    held = models.JSONField("保存継続", default=dict)  # {"case": [ids], …}

    class Meta:
        verbose_name = "廃棄処理"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"廃棄処理#{self.pk}"


class PurgedRecord(models.Model):
    """A record anonymised by a run: never selected again."""

    run = models.ForeignKey(PurgeRun, on_delete=models.PROTECT, related_name="records")
    record_type = models.CharField(max_length=10, choices=RecordType.choices)
    object_id = models.BigIntegerField()
    purged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "廃棄済みの記録"
        constraints = [models.UniqueConstraint(fields=["record_type", "object_id"],
                                               name="purged_record_once")]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()} #{self.object_id}"
