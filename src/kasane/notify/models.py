"""Notifications (in-app rows, per-user settings, e-mail and webhook delivery logs) and
emergency alerts (緊急案件) with recipients, a timeline and the weekly 当番 rota.

Stored titles and every channel body carry no personal data: a kind, a non-identifying title,
an urgency and a link. Names are rendered at read time through the visibility policies.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Channel(models.TextChoices):
    IN_APP = "in_app", "画面"
    EMAIL = "email", "メール"


class Notification(models.Model):
    """One in-app notification for one user (acting for ``organization``)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="+")
    kind = models.CharField("種類", max_length=40)
    title = models.CharField("件名", max_length=200)  # never personal data
    url = models.CharField(max_length=300, blank=True)
    priority = models.PositiveSmallIntegerField(default=50)  # lower first (即時 0)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person_id = models.IntegerField(null=True, blank=True)  # name shown at read time, if visible
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
        constraints = [models.UniqueConstraint(fields=["user", "dedupe_key"],
                                               condition=~Q(dedupe_key=""),
                                               name="notification_once_per_key")]

    def __str__(self) -> str:
        return f"通知#{self.pk}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationSetting(models.Model):
    """A user's choice for one kind on one channel (no row: the kind's default).
    ``digest`` on the e-mail channel: once a day instead of at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(default=True)
    digest = models.BooleanField(default=False)

    class Meta:
        verbose_name = "通知設定"
        constraints = [models.UniqueConstraint(fields=["user", "kind", "channel"],
                                               name="notification_setting_once")]

    def __str__(self) -> str:
        return f"{self.kind}/{self.channel}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "送信待ち"
    SENT = "sent", "送信済み"
    RETRYING = "retrying", "再送待ち"
    FAILED = "failed", "失敗"


class Webhook(models.Model):
    """An organization's outgoing webhook (chat bot): JSON POST signed with HMAC-SHA256."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                                     related_name="+")
    name = models.CharField("名前", max_length=100)
    url = models.URLField("送信先URL", max_length=500)
    secret = models.CharField(max_length=100)
    active = models.BooleanField("有効", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "Webhook（チャット通知）"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class WebhookDelivery(Delivery):
    """One POST to a webhook and its attempts (the org admin's delivery log)."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)  # title, urgency, link: no personal data
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "Webhookの送信"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"Webhook送信#{self.pk}"


class EmailDelivery(Delivery):
    """One e-mail to one user (subject and body without personal data)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    notification = models.ForeignKey(Notification, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    subject = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        verbose_name = "メール送信"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="email_due")]

    def __str__(self) -> str:
        return f"メール送信#{self.pk}"


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", "即時（生命・身体の危険）"
    TODAY = "today", "即日"
    SOON = "soon", "数日内"


URGENCY_SHORT = {"immediate": "即時", "today": "即日", "soon": "数日内"}
URGENCY_PRIORITY = {"immediate": 0, "today": 10, "soon": 20}


class AlertStatus(models.TextChoices):
    RAISED = "raised", "発信"
    ACKNOWLEDGED = "acknowledged", "受領"
    IN_PROGRESS = "in_progress", "対応中"
    RESOLVED = "resolved", "解決"


class Alert(models.Model):
    """緊急案件: what happened and what is needed, sent to named organizations and/or the
    week's 当番; shares only what its text says (the person's record opens through emergency
    access)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="発信者")
    raised_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                   related_name="+", verbose_name="発信機関")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    urgency = models.CharField("緊急度", max_length=10, choices=Urgency.choices)
    summary = models.TextField("何が起きたか", max_length=2000)
    needed = models.TextField("必要な対応", max_length=2000)
    target_organizations = models.ManyToManyField("accounts.Organization", blank=True,
                                                  related_name="+", verbose_name="発信先")
    to_rota = models.BooleanField("当番へ発信", default=False)
    status = models.CharField("状態", max_length=15, choices=AlertStatus.choices,
                              default=AlertStatus.RAISED)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name="対応者")
    owner_org = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    level = models.PositiveSmallIntegerField("発信段階", default=0)
    escalate_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "緊急案件"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "escalate_at"], name="alert_escalation_due")]

    def __str__(self) -> str:
        return f"緊急案件#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != AlertStatus.RESOLVED

    @property
    def urgency_short(self) -> str:
        return URGENCY_SHORT.get(self.urgency, "")


class AlertRecipient(models.Model):
    """A user the alert was sent to (in ``level``'s group) and their 受領."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="+")
    level = models.PositiveSmallIntegerField(default=0)
    notified_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "緊急案件の発信先"
        constraints = [models.UniqueConstraint(fields=["alert", "user"],
                                               name="alert_recipient_once")]
        ordering = ["level", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id}→{self.user_id}"


class AlertEventKind(models.TextChoices):
    RAISED = "raised", "発信"
    ACKNOWLEDGED = "acknowledged", "受領"
    OWNED = "owned", "対応します"
    ESCALATED = "escalated", "次の担当へ発信"
    EMERGENCY_ACCESS = "emergency_access", "緊急アクセス"
    NOTE = "note", "経過"
    RESOLVED = "resolved", "解決"


class AlertEvent(models.Model):
    """One line of an alert's timeline."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=20, choices=AlertEventKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    text = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "緊急案件の経過"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id}:{self.kind}"


class RotaShift(models.Model):
    """The weekly 当番: a coordinator on call for the week starting ``week_start`` (Monday);
    ``order`` 0 is the first on call, 1 the backup (the escalation's next group)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT,
                                     related_name="+")
    week_start = models.DateField("週の初日（月曜）")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE,
                                   related_name="+", verbose_name="当番")
    order = models.PositiveSmallIntegerField("順番", default=0)

    class Meta:
        verbose_name = "当番"
        ordering = ["week_start", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["week_start", "membership"],
                                               name="rota_once_a_week")]

    def __str__(self) -> str:
        return f"当番 {self.week_start}"

    @staticmethod
    def monday(day: dt.date) -> dt.date:
        return day - dt.timedelta(days=day.weekday())
