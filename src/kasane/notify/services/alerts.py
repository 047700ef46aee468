"""緊急案件 (emergency alerts): raise → 受領 (per recipient) → 対応中 (one owner) → 解決, with
escalation to the next group when nobody acknowledges within
``KASANE_ALERT_ESCALATE_MINUTES`` and a timeline of every step.

Groups: level 0 = the members (case roles) of the named organizations and, with ``to_rota``,
the week's first 当番 (no rota this week: every coordinator); level 1 = the week's backup
当番; level 2 = every coordinator of the municipality. Notifications, e-mails and webhooks
carry the urgency and a link — never the summary.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kasane.access import policy as access_policy
from kasane.access.models import EmergencyReview
from kasane.access.services import emergency_access_request
from kasane.accounts.models import Actor, Membership, Organization, Role
from kasane.cases import policy as case_policy
from kasane.core.ids import as_id

from .. import live, recipients
from .. import policy as alert_policy
from ..models import (
    URGENCY_PRIORITY,
    URGENCY_SHORT,
    Alert,
    AlertEvent,
    AlertEventKind,
    AlertRecipient,
    AlertStatus,
    RotaShift,
    Urgency,
)
from .notifications import notify

LAST_LEVEL = 2
logger = logging.getLogger(__name__)


def rota_members(municipality_id: int, day: dt.date, *, order: int | None = None,
                 backups: bool = False) -> list[Membership]:
    """The week's 当番 (``order`` 0 first on call; ``backups``: order ≥ 1), active only."""
    qs = RotaShift.objects.filter(municipality_id=municipality_id,
                                  week_start=RotaShift.monday(day),
                                  membership__is_active=True,
                                  membership__organization__is_active=True)
    qs = qs.filter(order__gte=1) if backups else qs.filter(order=order or 0)
    return [s.membership for s in qs.select_related("membership__organization",
                                                   "membership__user")]


def _group(alert: Alert, level: int, org_ids: Iterable[int]) -> list[Membership]:
    muni = alert.municipality_id
    today = timezone.localdate()
    if level == 0:
        members = list(recipients.memberships(muni, org_ids=org_ids)) if org_ids else []
        if alert.to_rota:
            members += rota_members(muni, today) or list(recipients.coordinators(muni))
        return members
    if level == 1:
        return rota_members(muni, today, backups=True)
    return list(recipients.coordinators(muni))


def _event(alert: Alert, kind: str, actor: Actor | None = None, text: str = "") -> AlertEvent:
    return AlertEvent.objects.create(
        alert=alert, kind=kind, user=actor.user if actor else None,
        organization=actor.organization if actor else None, text=text[:500])


def _title(alert: Alert) -> str:
    return f"緊急案件（{URGENCY_SHORT[alert.urgency]}）#{alert.pk}"


def _send(alert: Alert, members: list[Membership], level: int) -> list[Membership]:
    """Add the new recipients of ``level`` (not the raiser, not anyone already told), notify
    them in-app (+ channels) and push the alert banner to their open pages."""
    told = set(AlertRecipient.objects.filter(alert=alert).values_list("user_id", flat=True))
    told.add(alert.raised_by_id)
    fresh: dict[int, Membership] = {}
    for m in members:
        if m.user_id not in told and m.role != Role.ADMIN:
            fresh.setdefault(m.user_id, m)
    AlertRecipient.objects.bulk_create([
        AlertRecipient(alert=alert, user_id=u, organization_id=m.organization_id, level=level)
        for u, m in fresh.items()])
    url = reverse("notify:alert", args=[alert.pk])
    notify(memberships=fresh.values(), kind="alert", title=f"{_title(alert)}が届きました",
           url=url, object_type="alert", object_id=alert.pk, person_id=alert.person_id,
           priority=URGENCY_PRIORITY[alert.urgency], urgency=alert.urgency)
    live.publish(list(fresh), "alert", {"id": alert.pk, "urgency": alert.urgency,
                                        "label": URGENCY_SHORT[alert.urgency],
                                        "title": _title(alert), "url": url})
    return list(fresh.values())


def _schedule_escalation(alert: Alert) -> None:
    from .. import tasks

    if alert.escalate_at is None:
        return
    try:
        from django_tasks import default_task_backend

        if default_task_backend.supports_defer:
            when = alert.escalate_at
            transaction.on_commit(
                lambda: tasks.escalate_alert.using(run_after=when).enqueue(alert.pk))
    except Exception:  # the periodic command (notify_due) escalates it anyway
        logger.warning("could not schedule the escalation of alert %s", alert.pk, exc_info=True)


def _clean(actor: Actor, data: dict[str, Any]) -> tuple[dict[str, Any], list[Organization]]:
    errors: dict[str, str] = {}
    urgency = str(data.get("urgency") or "")
    if urgency not in Urgency.values:
        errors["urgency"] = "緊急度を選んでください（即時・即日・数日内）。"
    summary = str(data.get("summary") or "").strip()
    needed = str(data.get("needed") or "").strip()
    if not summary:
        errors["summary"] = "何が起きたかを入力してください。"
    elif len(summary) > 2000:
        errors["summary"] = "2000文字以内で入力してください。"
    if not needed:
        errors["needed"] = "必要な対応を入力してください。"
    elif len(needed) > 2000:
        errors["needed"] = "2000文字以内で入力してください。"
    ids = [as_id(i) for i in data.get("target_organization_ids") or []]
    orgs = list(Organization.objects.filter(
        pk__in=[i for i in ids if i], municipality_id=access_policy.tenant_id(actor),
        is_active=True))
    if len(orgs) != len(set(ids)):
        errors["target_organization_ids"] = "発信先の機関に選べないものがあります。"
    elif not orgs and not data.get("to_rota"):
        errors["target_organization_ids"] = "発信先の機関を選ぶか、当番への発信を選んでください。"
    if data.get("case_id") and data.get("person_id"):
        errors["case_id"] = "ケースか本人のどちらか一方を指定してください。"
    if errors:
        raise ValidationError(errors)
    return {"urgency": urgency, "summary": summary, "needed": needed}, orgs


def alert_raise(*, actor: Actor | None, urgency: str, summary: str, needed: str,
                target_organization_ids: Iterable[object] = (), to_rota: bool = False,
                case_id: object = None, person_id: object = None) -> Alert:
    """発信: a case-role member raises an alert on a case or person they may see (or an
    unknown person). Every field error at once; a target is required (organizations or the
    rota). Recipients are told in the same transaction; the escalation clock starts."""
    actor = alert_policy.require_handler(actor)
    fields, orgs = _clean(actor, {"urgency": urgency, "summary": summary, "needed": needed,
                                  "target_organization_ids": list(target_organization_ids),
                                  "to_rota": to_rota, "case_id": case_id,
                                  "person_id": person_id})
    case = case_policy.require_case(actor, case_id, action="alert") if case_id else None
    person = (access_policy.require_person(actor, person_id, detail="緊急案件の発信")[0]
              if person_id else None)
    now = timezone.now()
    with transaction.atomic():
        alert = Alert(municipality_id=access_policy.tenant_id(actor), raised_by=actor.user,
                      raised_org=actor.organization, case=case, person=person,
                      to_rota=bool(to_rota), created_at=now,
                      escalate_at=now + dt.timedelta(minutes=settings.KASANE_ALERT_ESCALATE_MINUTES),
                      **fields)
        alert.full_clean()
        alert.save()
        alert.target_organizations.set(orgs)
        _event(alert, AlertEventKind.RAISED, actor,
               f"{URGENCY_SHORT[alert.urgency]}で発信（{len(orgs)}機関{'・当番' if to_rota else ''}）")
        sent = _send(alert, _group(alert, 0, [o.pk for o in orgs]), 0)
        if not sent:  # nobody in the first group: go straight on to the next
            alert.escalate_at = now
            alert.save(update_fields=["escalate_at"])
        _schedule_escalation(alert)
    return alert


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().get(pk=alert.pk)


def _tell_raiser(alert: Alert, text: str) -> None:
    """The raising organization's members (and told recipients) see the step live."""
    url = reverse("notify:alert", args=[alert.pk])
    raisers = recipients.memberships(alert.municipality_id, org_ids=[alert.raised_org_id])
    notify(memberships=raisers, kind="alert_update", title=f"{_title(alert)}：{text}", url=url,
           object_type="alert", object_id=alert.pk, webhook=False)
    users = set(AlertRecipient.objects.filter(alert=alert).values_list("user_id", flat=True))
    users |= {m.user_id for m in raisers}
    live.publish(users, "alert_update", {"id": alert.pk, "status": alert.status, "url": url})


def alert_acknowledge(*, actor: Actor | None, alert: Alert) -> Alert:
    """受領: a recipient confirms they saw it (once; the escalation stops)."""
    actor = alert_policy.require_handler(actor)
    with transaction.atomic():
        locked = _locked(alert)
        row = AlertRecipient.objects.filter(alert=locked, user_id=actor.user_id).first()
        if row is None:
            raise PermissionDenied("この緊急案件の発信先ではありません。")
        if row.acknowledged_at is not None:
            return locked
        row.acknowledged_at = timezone.now()
        row.save(update_fields=["acknowledged_at"])
        if locked.status == AlertStatus.RAISED:
            locked.status = AlertStatus.ACKNOWLEDGED
        locked.escalate_at = None
        locked.save(update_fields=["status", "escalate_at"])
        _event(locked, AlertEventKind.ACKNOWLEDGED, actor, f"{actor.organization.name}が受領")
        _tell_raiser(locked, f"{actor.organization.name}が受領しました")
    return locked


def alert_take(*, actor: Actor | None, alert: Alert) -> Alert:
    """対応します: one recipient becomes the owner (acknowledging it if not yet)."""
    actor = alert_policy.require_handler(actor)
    with transaction.atomic():
        alert_acknowledge(actor=actor, alert=alert)
        locked = _locked(alert)
        if not locked.is_open:
            raise ValidationError({"status": "この緊急案件は解決済みです。"})
        if locked.owner_id is not None and locked.owner_id != actor.user_id:
            raise ValidationError({"status": "すでに他の職員が対応しています。"})
        locked.owner, locked.owner_org = actor.user, actor.organization
        locked.status = AlertStatus.IN_PROGRESS
        locked.save(update_fields=["owner", "owner_org", "status"])
        _event(locked, AlertEventKind.OWNED, actor, f"{actor.organization.name}が対応します")
        _tell_raiser(locked, f"{actor.organization.name}が対応します")
    return locked


def alert_emergency_access(*, actor: Actor | None, alert: Alert, reason: str,
                           hours: int = 24) -> list[EmergencyReview]:
    """The owner reaches the person's record through emergency access (existing flow: the
    grant goes to the owner's organization and is reviewed afterwards by a coordinator)."""
    actor = alert_policy.require_handler(actor)
    alert = Alert.objects.get(pk=alert.pk)  # the owner as stored now
    if alert.owner_id != actor.user_id or not alert.is_open:
        raise PermissionDenied("緊急アクセスは、この緊急案件の対応者だけが使えます。")
    if alert.person_id:
        person_ids = [alert.person_id]
    elif alert.case_id:
        from kasane.cases.models import CaseSubject

        person_ids = list(CaseSubject.objects.filter(case_id=alert.case_id)
                          .values_list("person_id", flat=True))
    else:
        raise ValidationError({"reason": "本人が特定されていない緊急案件です。"})
    reviews = []
    with transaction.atomic():
        for pid in person_ids:
            basis = access_policy.person_basis(actor, pid)
            if basis is not None:
                continue  # already visible
            reviews.append(emergency_access_request(
                actor=actor, person_id=pid, reason=f"緊急案件#{alert.pk}: {reason}", hours=hours))
        _event(alert, AlertEventKind.EMERGENCY_ACCESS, actor,
               f"{actor.organization.name}が緊急アクセスを使用（{len(reviews)}名）")
    return reviews


def alert_resolve(*, actor: Actor | None, alert: Alert, note: str = "") -> Alert:
    """解決: the owner or the raising organization closes the alert."""
    actor = alert_policy.require_handler(actor)
    with transaction.atomic():
        locked = _locked(alert)
        if not alert_policy.can_resolve(actor, locked):
            raise PermissionDenied("解決にできるのは対応者か発信した機関です。")
        locked.status, locked.resolved_at, locked.escalate_at = (
            AlertStatus.RESOLVED, timezone.now(), None)
        locked.save(update_fields=["status", "resolved_at", "escalate_at"])
        _event(locked, AlertEventKind.RESOLVED, actor, (note or "").strip()[:300])
        _tell_raiser(locked, "解決しました")
    return locked


def alert_escalate_due(*, now: dt.datetime | None = None,
                       alert_ids: Iterable[int] | None = None) -> int:
    """Send each unacknowledged alert whose clock ran out to its next group (idempotent: the
    clock is moved or stopped in the same transaction). Returns how many escalated."""
    now = now or timezone.now()
    due = Alert.objects.filter(status=AlertStatus.RAISED, escalate_at__lte=now)
    if alert_ids is not None:
        due = due.filter(pk__in=list(alert_ids))
    count = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            alert = Alert.objects.select_for_update().get(pk=pk)
            if alert.status != AlertStatus.RAISED or not alert.escalate_at \
                    or alert.escalate_at > now:
                continue
            sent: list[Membership] = []
            level = alert.level
            while not sent and level < LAST_LEVEL:
                level += 1
                sent = _send(alert, _group(alert, level, []), level)
            alert.level = level
            alert.escalate_at = (now + dt.timedelta(minutes=settings.KASANE_ALERT_ESCALATE_MINUTES)
                                 if sent and level < LAST_LEVEL else None)
            alert.save(update_fields=["level", "escalate_at"])
            if sent:
                _event(alert, AlertEventKind.ESCALATED, None,
                       f"受領がないため次の担当（{len(sent)}名）へ発信")
                _schedule_escalation(alert)
                count += 1
    return count
