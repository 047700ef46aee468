"""A file made in the background for one user (``ExportJob``)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "待機中"
    RUNNING = "running", "作成中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"
    EXPIRED = "expired", "期限切れ"


def _export_path(instance: ExportJob, filename: str) -> str:
    """A random name: the download name is kept only in the database."""
    suffix = filename[filename.rfind("."):] if "." in filename else ""
    return f"exports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix[:10]}"


class ExportJob(models.Model):
    """One file made by the db_worker for its creator, downloaded through an access-checked
    view (stored under MEDIA_ROOT, which the web server never serves). ``params`` holds ids and
    options only — never personal data; the file itself is deleted after
    ``KASANE_EXPORT_KEEP_HOURS`` (``./kasane cleanup_exports``)."""

    kind = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=200)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    basis = models.CharField(max_length=20)  # logged with each download
    back_url = models.CharField(max_length=300, blank=True)
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    # the acting membership that started it: the worker builds as it, and only it downloads
    membership = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT,
                                   related_name="+")
    status = models.CharField(max_length=10, choices=ExportStatus.choices,
                              default=ExportStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    file = models.FileField(upload_to=_export_path, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "出力ファイル"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def progress_percent(self) -> int:
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def expires_at(self) -> dt.datetime | None:
        if self.finished_at is None:
            return None
        return self.finished_at + dt.timedelta(hours=settings.KASANE_EXPORT_KEEP_HOURS)

    @property
    def expired(self) -> bool:
        expires = self.expires_at
        return self.status == ExportStatus.EXPIRED or (
            expires is not None and expires <= timezone.now())

    @property
    def pending(self) -> bool:
        return self.status in {ExportStatus.QUEUED, ExportStatus.RUNNING}
