"""E-mail and webhook channels: queued after commit, sent by background tasks, retried with
back-off; every attempt and the final failed state stay visible in the delivery logs.

Bodies carry NO personal data: the kind's non-identifying title, the urgency and a link into
Kasane (never a name, an address, or an alert's free-text summary).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from kasane.accounts.models import Actor, Role, User
from kasane.core.ids import as_id
from kasane.core.wareki import format_wareki_datetime

from ..kinds import label
from ..models import (
    URGENCY_SHORT,
    DeliveryStatus,
    EmailDelivery,
    Notification,
    Webhook,
    WebhookDelivery,
)
from ..webhook_urls import UnsafeURL, check_url

logger = logging.getLogger(__name__)


def absolute(url: str) -> str:
    return settings.KASANE_BASE_URL.rstrip("/") + url if url.startswith("/") else url


def email_enabled() -> bool:
    return bool(settings.EMAIL_HOST)


def _enqueue(channel: str, pk: int, when: dt.datetime | None = None) -> None:
    from .. import tasks

    task = {"email": tasks.send_email, "webhook": tasks.send_webhook}[channel]
    try:
        if when is not None:
            from django_tasks import default_task_backend

            if not default_task_backend.supports_defer:
                return  # ``./kasane notify_due`` retries it when it is due
            task.using(run_after=when).enqueue(pk)
        else:
            task.enqueue(pk)
    except Exception:  # the queue is unavailable: the row stays pending for notify_due
        logger.warning("could not enqueue %s delivery %s", channel, pk, exc_info=True)


def _enqueue_on_commit(channel: str, pks: list[int]) -> None:
    def send() -> None:
        for pk in pks:
            _enqueue(channel, pk)

    if pks:
        transaction.on_commit(send)


def queue_email(notifications: Iterable[Notification]) -> list[EmailDelivery]:
    """One e-mail per notification whose user chose e-mail and has an address."""
    notes = list(notifications)
    if not email_enabled() or not notes:
        return []
    addressed = set(User.objects.filter(pk__in=[n.user_id for n in notes]).exclude(email="")
                    .values_list("pk", flat=True))
    rows = []
    for note in notes:
        if note.user_id not in addressed:
            continue
        rows.append(EmailDelivery(
            user_id=note.user_id, notification=note, subject=f"[Kasane] {note.title}",
            body=(f"{note.title}\n\n種類: {label(note.kind)}\n"
                  f"日時: {format_wareki_datetime(timezone.localtime(note.created_at))}\n"
                  f"Kasaneで確認してください: {absolute(note.url or '/notifications/')}\n\n"
                  "このメールには個人を特定できる情報を含めていません。\n")))
    EmailDelivery.objects.bulk_create(rows)
    _enqueue_on_commit("email", [row.pk for row in rows])
    return rows


def queue_webhooks(org_ids: Iterable[int], *, kind: str, title: str, url: str,
                   urgency: str = "") -> list[WebhookDelivery]:
    """One POST per active webhook of the recipients' organizations."""
    hooks = list(Webhook.objects.filter(organization_id__in=list(org_ids), active=True))
    payload = {"text": f"【Kasane】{title}", "kind": kind, "title": title,
               "urgency": urgency, "urgency_label": URGENCY_SHORT.get(urgency, ""),
               "url": absolute(url or "/notifications/")}
    rows = [WebhookDelivery(webhook=h, kind=kind, payload=payload) for h in hooks]
    WebhookDelivery.objects.bulk_create(rows)
    _enqueue_on_commit("webhook", [row.pk for row in rows])
    return rows


def _failed(row: EmailDelivery | WebhookDelivery, error: str) -> None:
    row.attempts += 1
    row.last_error = error[:300]
    if row.attempts >= settings.KASANE_DELIVERY_MAX_ATTEMPTS:
        row.status, row.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delay = settings.KASANE_DELIVERY_BACKOFF_SECONDS * 2 ** (row.attempts - 1)
        row.status = DeliveryStatus.RETRYING
        row.next_attempt_at = timezone.now() + dt.timedelta(seconds=delay)


def _claim(model: type[EmailDelivery] | type[WebhookDelivery], pk: int) -> Any:
    row = model.objects.filter(pk=pk).first()
    if row is None or row.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
        return None
    return row


def email_send(delivery_id: int) -> EmailDelivery | None:
    """One attempt; SMTP refused or down → retrying (back-off) or failed after the last try."""
    row: EmailDelivery | None = _claim(EmailDelivery, delivery_id)
    if row is None:
        return None
    try:
        message = EmailMessage(subject=row.subject, body=row.body,
                               from_email=settings.DEFAULT_FROM_EMAIL, to=[row.user.email],
                               connection=get_connection(fail_silently=False))
        message.send()
    except Exception as exc:
        _failed(row, f"{type(exc).__name__}: {exc}")
    else:
        row.attempts += 1
        row.status, row.delivered_at, row.next_attempt_at = (DeliveryStatus.SENT, timezone.now(),
                                                             None)
        row.last_error = ""
    row.save()
    if row.status == DeliveryStatus.RETRYING:
        _enqueue("email", row.pk, row.next_attempt_at)
    return row


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_send(delivery_id: int) -> WebhookDelivery | None:
    """One signed POST (``X-Kasane-Signature: sha256=<hex HMAC of the body>``); a 2xx answer is
    sent, anything else (4xx/5xx, timeout, refused address) is retried with back-off."""
    row: WebhookDelivery | None = _claim(WebhookDelivery, delivery_id)
    if row is None:
        return None
    hook = row.webhook
    body = json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")).encode()
    try:
        check_url(hook.url)
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "User-Agent": "Kasane-Webhook/1", "X-Kasane-Event": row.kind,
                   "X-Kasane-Delivery": str(row.pk),
                   "X-Kasane-Signature": signature(hook.secret, body)}
        # check_url: https (or the tests' loopback) on the allow-list only
        request = urllib.request.Request(hook.url, data=body, method="POST",  # noqa: S310
                                         headers=headers)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=settings.KASANE_WEBHOOK_TIMEOUT_SECONDS) as answer:
            row.last_status_code = answer.status
    except urllib.error.HTTPError as exc:
        row.last_status_code = exc.code
        _failed(row, f"HTTP {exc.code}")
    except UnsafeURL as exc:
        _failed(row, str(exc))
    except Exception as exc:  # timeout, refused, DNS
        _failed(row, f"{type(exc).__name__}: {exc}")
    else:
        row.attempts += 1
        row.status, row.delivered_at, row.next_attempt_at = (DeliveryStatus.SENT, timezone.now(),
                                                             None)
        row.last_error = ""
    row.save()
    if row.status == DeliveryStatus.RETRYING:
        _enqueue("webhook", row.pk, row.next_attempt_at)
    return row


def deliveries_retry_due(*, now: dt.datetime | None = None) -> int:
    """Send every pending or retrying delivery that is due (the periodic command's safety net
    when the queue cannot defer); returns how many were attempted."""
    now = now or timezone.now()
    count = 0
    waiting = [DeliveryStatus.PENDING, DeliveryStatus.RETRYING]
    when = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    for pk in EmailDelivery.objects.filter(when, status__in=waiting).values_list("pk", flat=True):
        email_send(pk)
        count += 1
    for pk in WebhookDelivery.objects.filter(when, status__in=waiting).values_list("pk",
                                                                                   flat=True):
        webhook_send(pk)
        count += 1
    return count


def can_manage_webhooks(actor: Actor | None) -> bool:
    return actor is not None and actor.role in (Role.ADMIN, Role.COORDINATOR)


def require_webhook_admin(actor: Actor | None) -> Actor:
    if actor is None or not can_manage_webhooks(actor):
        raise PermissionDenied("Webhookを設定できるのは機関の管理者と相談支援包括化推進員です。")
    return actor


def webhook_create(*, actor: Actor, name: str, url: str) -> Webhook:
    """An organization's webhook; the URL is checked (https, allow-list, no loopback /
    link-local / metadata address). The secret is generated and shown once."""
    require_webhook_admin(actor)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "名前を入力してください。"
    try:
        url = check_url(url)
    except UnsafeURL as exc:
        errors["url"] = str(exc)
    if errors:
        raise ValidationError(errors)
    hook = Webhook(municipality_id=actor.organization.municipality_id,
                   organization=actor.organization, name=name, url=url,
                   secret=secrets.token_urlsafe(32), created_by=actor.user)
    hook.full_clean()
    hook.save()  # no ChangeRecord: the secret must not land in the audit trail
    return hook


def webhook_set_active(*, actor: Actor | None, webhook_id: object, active: bool) -> Webhook:
    """Stop or restart one of the actor's organization's webhooks (404 for any other)."""
    actor = require_webhook_admin(actor)
    hook = Webhook.objects.filter(pk=as_id(webhook_id), organization=actor.organization).first()
    if hook is None:
        raise Http404("見つかりません。")
    hook.active = bool(active)
    hook.save(update_fields=["active"])
    return hook
