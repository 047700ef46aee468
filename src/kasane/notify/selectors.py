"""Reads of notify: a user's notifications (names rendered at read time through
``access.policy``), counts, alerts lists and timelines, delivery logs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from kasane.access import policy
from kasane.accounts.models import Actor, User
from kasane.audit.services import access_log_many
from kasane.people.models import Person

from .models import (
    Alert,
    AlertEvent,
    AlertRecipient,
    AlertStatus,
    Channel,
    EmailDelivery,
    Notification,
    NotificationSetting,
    RotaShift,
    Webhook,
    WebhookDelivery,
)
from .policy import visible_alerts
from .services.notifications import channel_on


def notifications_for(user: User, *, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("read_at", "priority", "-created_at", "-id") if unread else qs


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def names_for(actor: Actor | None, notes: list[Notification]) -> dict[int, str]:
    """Person names of the notes the actor may see NOW (basis checked at read time, logged);
    a note whose basis ended shows no name."""
    pids = {n.person_id for n in notes if n.person_id}
    if actor is None or not pids:
        return {}
    bases = policy.bases_for(actor, pids)
    if not bases:
        return {}
    persons = list(Person.objects.filter(pk__in=list(bases)))
    access_log_many(user=actor.user, action="person.search", organization_id=actor.organization_id,
                    detail="通知一覧", entries=[("people.Person", pid, pid, basis)
                                            for pid, basis in bases.items()])
    return {p.pk: p.full_name for p in persons}


def alerts_for(actor: Actor, *, open_only: bool = False) -> QuerySet[Alert]:
    qs = visible_alerts(actor).select_related("raised_org", "owner_org")
    if open_only:
        qs = qs.exclude(status=AlertStatus.RESOLVED)
    return qs.order_by("-created_at", "-id")


def alert_detail(alert: Alert, actor: Actor) -> dict[str, Any]:
    recipients = list(AlertRecipient.objects.filter(alert=alert).select_related(
        "organization", "user"))
    mine = next((r for r in recipients if r.user_id == actor.user_id), None)
    timeline = list(AlertEvent.objects.filter(alert=alert).select_related("organization"))
    return {"recipients": recipients, "mine": mine, "timeline": timeline,
            "targets": list(alert.target_organizations.all())}


def unacknowledged_alerts(user: User) -> QuerySet[Alert]:
    """Open alerts sent to the user that they have not acknowledged (the banner)."""
    return Alert.objects.filter(recipients__user=user, recipients__acknowledged_at__isnull=True
                                ).exclude(status=AlertStatus.RESOLVED).order_by("-created_at")


def webhooks_of(actor: Actor) -> list[Webhook]:
    return list(Webhook.objects.filter(organization=actor.organization))


def deliveries_of(actor: Actor) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(webhook__organization=actor.organization
                                          ).select_related("webhook")[:50]


def setting_rows(user: User, kinds: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The user's channels per notification kind as the settings screen shows them (a kind
    without a saved row takes the default of ``channel_on``; 緊急 alerts cannot be turned off)."""
    saved = {(s.kind, s.channel): s for s in NotificationSetting.objects.filter(user=user)}
    rows = []
    for code, label in kinds:
        lookup = {(int(user.pk), c): s for (k, c), s in saved.items() if k == code}
        email = saved.get((code, Channel.EMAIL))
        rows.append({"code": code, "label": label,
                     "in_app": channel_on(lookup, int(user.pk), code, Channel.IN_APP),
                     "email": channel_on(lookup, int(user.pk), code, Channel.EMAIL),
                     "digest": bool(email and email.digest), "locked": code == "alert"})
    return rows


def recent_emails(user: User, limit: int = 10) -> list[EmailDelivery]:
    """The user's latest mails (titles and links only, like every mail of Kasane)."""
    return list(EmailDelivery.objects.filter(user=user)[:limit])


def rota_table(municipality_id: int, mondays: list[dt.date]
               ) -> list[tuple[dt.date, list[RotaShift]]]:
    """The tenant's 当番 for each week starting on ``mondays``, in their order."""
    shifts = list(RotaShift.objects.filter(
        municipality_id=municipality_id, week_start__in=mondays,
    ).select_related("membership__user", "membership__organization"))
    return [(d, [s for s in shifts if s.week_start == d]) for d in mondays]
