"""Append-only audit trail: who read or changed what, on which legal basis.

Rows are never updated or deleted: the model refuses it, its queryset refuses it, and on
PostgreSQL a trigger refuses it even for raw SQL (migration 0002).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Basis(models.TextChoices):
    """Legal bases of a disclosure (DESIGN.md §5); ``denied`` marks a refusal."""

    OWN_RECORD = "own_record", "自機関の記録"
    CONSENT = "consent", "本人同意"
    SUPPORT_MEETING = "support_meeting", "支援会議（法106条の6）"
    CASE_INVOLVEMENT = "case_involvement", "ケースへの関与"
    EMERGENCY = "emergency", "緊急（生命・身体の保護）"
    RESTRICTED_NAMED = "restriction_named", "閲覧制限の指定利用者"
    NOT_PERSONAL = "none", "個人情報以外"
    DENIED = "denied", "拒否"


class ImmutableError(Exception):
    """Raised on any attempt to change or remove an audit row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("監査ログは変更できません。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("監査ログは削除できません。")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise ImmutableError("監査ログは変更できません。")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("監査ログは変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("監査ログは削除できません。")


class AccessLog(AppendOnlyModel):
    """One allowed or denied access. ``person_id`` feeds the person's disclosure report."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True,
                             db_constraint=False, related_name="+")
    username = models.CharField(max_length=150, blank=True)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.DO_NOTHING,
                                     null=True, db_constraint=False, related_name="+")
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.DO_NOTHING,
                                     null=True, db_constraint=False, related_name="+")
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    detail = models.CharField(max_length=500, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "アクセスログ"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person_id", "at"], name="accesslog_person_at"),
            models.Index(fields=["municipality", "at"], name="accesslog_muni_at"),
            # the auditor's searches: one request's rows, one organization's reads
            models.Index(fields=["request_id"], name="accesslog_request",
                         condition=~models.Q(request_id="")),
            models.Index(fields=["organization", "at"], name="accesslog_org_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.basis}"

    @property
    def denied(self) -> bool:
        return self.basis == Basis.DENIED


class ChangeRecord(AppendOnlyModel):
    """One create/update/delete of a personal-data record with its field-level diff."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True,
                             db_constraint=False, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.DO_NOTHING,
                                     null=True, db_constraint=False, related_name="+")
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.DO_NOTHING,
                                     null=True, db_constraint=False, related_name="+")
    model = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    operation = models.CharField(max_length=10)  # create / update / delete
    changes = models.JSONField(default=dict)
    reason = models.CharField(max_length=500, blank=True)
    request_id = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = "変更履歴"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"], name="change_model_object")]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id} {self.operation}"


class SealTable(models.TextChoices):
    """Audit tables that are sealed (docs/security.md, tamper-evident audit)."""

    ACCESS_LOG = "access_log", "アクセスログ"
    CHANGE_RECORD = "change_record", "変更履歴"


class AuditSeal(models.Model):
    """One hash-sealed batch of audit rows, chained to the seal before it (``audit.sealing``).

    ``row_ids`` holds the sealed ids as ranges ``[[first, last], ...]`` and ``row_digests`` one
    32-hex digest per row in id order, so a verifier can name the first broken row. The chain
    head is also appended to a file outside the database (``KASANE_AUDIT_SEAL_FILE``).
    """

    sequence = models.PositiveIntegerField(unique=True)
    table = models.CharField(max_length=20, choices=SealTable.choices)
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    row_count = models.PositiveIntegerField()
    row_ids = models.JSONField(default=list)
    row_digests = models.TextField(blank=True)
    batch_hash = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64, blank=True)
    chain_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "監査ログの封印"
        ordering = ["sequence"]
        indexes = [models.Index(fields=["table", "last_id"], name="auditseal_table_last")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.table} {self.first_id}-{self.last_id}"


class AuditArchive(AppendOnlyModel):
    """One month of the access log that left the database as a whole partition
    (``audit.partitions.detach_before``): where its ``pg_dump`` file went, the file's sha256
    and the ids it held (ranges ``[[first, last], ...]``), so ``verify_audit`` knows those
    sealed rows were archived, not deleted."""

    table = models.CharField(max_length=20, choices=SealTable.choices)
    partition = models.CharField(max_length=63, unique=True)
    month = models.DateField()
    row_count = models.BigIntegerField()
    row_ids = models.JSONField(default=list)
    file = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    archived_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "監査ログの保管（切り離したパーティション）"
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.partition} ({self.row_count}行) → {self.file}"
