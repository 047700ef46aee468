"""In-app notifications: create them for recipients (in the event's transaction), mark them
read, keep each user's channel settings. Channels (e-mail, webhook) and the live push follow
on commit.

``notify`` takes memberships already decided by the caller through the visibility policies
(``notify.recipients``); it never widens who is told.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from kasane.accounts.models import Membership, User

from .. import live
from ..kinds import KINDS
from ..models import Channel, Notification, NotificationSetting


def _channel_choices(user_ids: list[int], kind: str) -> dict[tuple[int, str], NotificationSetting]:
    rows = NotificationSetting.objects.filter(user_id__in=user_ids, kind=kind)
    return {(s.user_id, s.channel): s for s in rows}


def channel_on(choices: Mapping[tuple[int, str], NotificationSetting], user_id: int, kind: str,
               channel: str) -> bool:
    """The user's choice, else the kind's default (in-app on; e-mail per kind)."""
    found = choices.get((user_id, channel))
    if found is not None:
        return found.enabled
    if channel == Channel.EMAIL:
        spec = KINDS.get(kind)
        return bool(spec and spec.email_default)
    return True


def notify(*, memberships: Iterable[Membership], kind: str, title: str, url: str = "",
           object_type: str = "", object_id: object = "", person_id: int | None = None,
           priority: int = 50, dedupe_key: str = "", urgency: str = "",
           webhook: bool = True) -> list[Notification]:
    """One notification per recipient user (the first of their memberships names the org);
    ``dedupe_key`` makes it once per user (a reminder sent again the same day is skipped).
    E-mail, webhook and the live push are queued to run after commit."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    by_user: dict[int, Membership] = {}
    for m in memberships:
        by_user.setdefault(m.user_id, m)
    if not by_user:
        return []
    choices = _channel_choices(list(by_user), kind)
    if dedupe_key:
        done = set(Notification.objects.filter(user_id__in=list(by_user), dedupe_key=dedupe_key)
                   .values_list("user_id", flat=True))
        by_user = {u: m for u, m in by_user.items() if u not in done}
    now = timezone.now()
    rows = [Notification(municipality_id=m.organization.municipality_id, user_id=u,
                         organization_id=m.organization_id, kind=kind, title=title[:200],
                         url=url, priority=priority, object_type=object_type,
                         object_id=str(object_id), person_id=person_id,
                         dedupe_key=dedupe_key, created_at=now)
            for u, m in by_user.items() if channel_on(choices, u, kind, Channel.IN_APP)]
    with transaction.atomic():
        try:
            with transaction.atomic():
                Notification.objects.bulk_create(rows)
        except IntegrityError:  # a concurrent run of the same reminder: keep the first
            return []
        created = rows if all(r.pk for r in rows) else list(  # no RETURNING: read them back
            Notification.objects.filter(user_id__in=[r.user_id for r in rows], kind=kind,
                                        created_at=now).order_by("id"))
        live.publish([r.user_id for r in created], "notification",
                     {"kind": kind, "title": title[:200], "url": url, "urgency": urgency})
        from .channels import queue_email, queue_webhooks

        queue_email([n for n in created
                     if channel_on(choices, n.user_id, kind, Channel.EMAIL)
                     and not _digest(choices, n.user_id)])
        if webhook:
            queue_webhooks({m.organization_id for m in by_user.values()}, kind=kind,
                           title=title, url=url, urgency=urgency)
    return created


def _digest(choices: Mapping[tuple[int, str], NotificationSetting], user_id: int) -> bool:
    found = choices.get((user_id, Channel.EMAIL))
    return bool(found and found.digest)


def _mine(user: User, notification_id: object) -> Notification:
    try:
        return Notification.objects.get(pk=int(str(notification_id)), user=user)
    except (Notification.DoesNotExist, ValueError):
        raise Http404("見つかりません。") from None


def notification_mark_read(*, user: User, notification_id: object) -> Notification:
    """Mark one of the user's own notifications read (404 for anyone else's)."""
    note = _mine(user, notification_id)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note


def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now())


def settings_save(*, user: User, choices: Mapping[str, Mapping[str, Any]]) -> None:
    """``choices``: kind → {"in_app": bool, "email": bool, "digest": bool}; the alert's in-app
    notice cannot be turned off (a 緊急案件 must reach the page)."""
    unknown = [k for k in choices if k not in KINDS]
    if unknown:
        raise ValidationError({"kind": "知らない通知の種類です。"})
    with transaction.atomic():
        for kind, chosen in choices.items():
            for channel in (Channel.IN_APP, Channel.EMAIL):
                enabled = bool(chosen.get(channel, False)) or (
                    kind == "alert" and channel == Channel.IN_APP)
                NotificationSetting.objects.update_or_create(
                    user=user, kind=kind, channel=channel,
                    defaults={"enabled": enabled,
                              "digest": bool(chosen.get("digest")) and channel == Channel.EMAIL})
