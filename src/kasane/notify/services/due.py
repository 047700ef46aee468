"""Reminders that come from the calendar, not from an event: referral overdue, plan review due,
見守り 次回確認日 due, meeting in N days with the pledge missing; plus the daily e-mail digest.
Run by ``./kasane notify_due`` (daily or more often): each reminder carries a dedupe key, so a
second run the same day tells nobody twice. Recipients through the policies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kasane.accounts.models import Membership
from kasane.cases import policy as case_policy
from kasane.cases.models import (
    OPEN_STATUSES,
    Closure,
    PlanStatus,
    Referral,
    ReferralStatus,
    Status,
    SupportPlan,
)
from kasane.core.wareki import format_wareki
from kasane.meetings import policy as meeting_policy
from kasane.meetings.models import Attendee

from .. import recipients
from ..kinds import label
from ..models import Channel, EmailDelivery, Notification, NotificationSetting
from .channels import _enqueue_on_commit, absolute, email_enabled
from .notifications import notify


def _seeing_case(members: Iterable[Membership], case_id: int) -> list[Membership]:
    return recipients.who_may(members, lambda m: case_policy.visible_cases(m).filter(
        pk=case_id).exists())


def referrals_overdue(day: dt.date) -> int:
    """The receiving organization (to answer) and the requester (who sees the case)."""
    count = 0
    rows = Referral.objects.filter(status=ReferralStatus.REQUESTED, due_on__lt=day)
    for ref in rows.select_related("case"):
        muni = ref.case.municipality_id
        to = list(recipients.memberships(muni, org_ids=[ref.to_org_id]))
        frm = _seeing_case(recipients.memberships(muni, org_ids=[ref.from_org_id]), ref.case_id)
        count += len(notify(memberships=to + frm, kind="referral_overdue",
                            title=f"つなぎ #{ref.pk} の回答期限（{format_wareki(ref.due_on)}）を過ぎています",
                            url=reverse("cases:referral", args=[ref.pk]), object_type="referral",
                            object_id=ref.pk, priority=15, dedupe_key=f"referral_overdue:{ref.pk}"))
    return count


def plan_reviews_due(day: dt.date) -> int:
    count = 0
    plans = SupportPlan.objects.filter(status=PlanStatus.APPROVED, review_on__lte=day,
                                       case__status__in=OPEN_STATUSES).select_related("case")
    for plan in plans:
        members = _seeing_case(recipients.memberships(plan.case.municipality_id,
                                                      org_ids=[plan.lead_org_id]), plan.case_id)
        count += len(notify(memberships=members, kind="plan_review_due",
                            title=f"ケース#{plan.case_id} の支援プラン（第{plan.version}版）の見直し時期です",
                            url=reverse("cases:detail", args=[plan.case_id]),
                            object_type="support_plan", object_id=plan.pk,
                            dedupe_key=f"plan_review:{plan.pk}"))
    return count


def checks_due(day: dt.date) -> int:
    """見守り継続: the watching organization on or after the 次回確認日."""
    count = 0
    rows = Closure.objects.filter(watch=True, next_check_on__lte=day, watch_org__isnull=False,
                                  case__status=Status.WATCHING).select_related("case")
    for closure in rows:
        assert closure.watch_org_id is not None and closure.next_check_on is not None
        members = _seeing_case(recipients.memberships(closure.case.municipality_id,
                                                      org_ids=[closure.watch_org_id]),
                               closure.case_id)
        count += len(notify(memberships=members, kind="check_due",
                            title=f"ケース#{closure.case_id} の見守りの次回確認日（{format_wareki(closure.next_check_on)}）です",
                            url=reverse("cases:detail", args=[closure.case_id]),
                            object_type="closure", object_id=closure.pk,
                            dedupe_key=f"check:{closure.pk}:{closure.next_check_on}"))
    return count


def meetings_pledge_missing(now: dt.datetime) -> int:
    """Attendees of a meeting within N days who have not signed the 守秘義務誓約 yet."""
    count = 0
    until = now + dt.timedelta(days=settings.KASANE_NOTIFY_MEETING_DAYS)
    rows = Attendee.objects.filter(pledge__isnull=True, meeting__starts_at__gte=now,
                                   meeting__starts_at__lte=until).select_related("meeting")
    for att in rows:
        meeting = att.meeting
        members = [m for m in Membership.objects.filter(
            user_id=att.user_id, organization_id=att.organization_id, is_active=True,
        ).select_related("organization", "user") if meeting_policy.can_see_meeting(m, meeting)]
        day = format_wareki(timezone.localtime(att.meeting.starts_at).date())
        count += len(notify(memberships=members, kind="meeting_soon",
                            title=f"{day}の会議の守秘義務誓約がまだです",
                            url=reverse("meetings:detail", args=[att.meeting_id]),
                            object_type="meeting", object_id=att.meeting_id,
                            dedupe_key=f"meeting_pledge:{att.meeting_id}", webhook=False))
    return count


def digests_send(day: dt.date) -> int:
    """One e-mail a day per user who chose "まとめて": how many notifications of those kinds
    arrived in the last 24 hours, and a link (no titles beyond the kinds' names)."""
    if not email_enabled():
        return 0
    since = timezone.now() - dt.timedelta(days=1)
    wanted: dict[int, set[str]] = {}
    for s in NotificationSetting.objects.filter(channel=Channel.EMAIL, enabled=True, digest=True):
        wanted.setdefault(s.user_id, set()).add(s.kind)
    subject = f"[Kasane] {format_wareki(day)}の通知のまとめ"
    rows = []
    for user_id, kinds in wanted.items():
        notes = Notification.objects.filter(user_id=user_id, kind__in=kinds, created_at__gte=since)
        counts: dict[str, int] = {}
        for kind in notes.values_list("kind", flat=True):
            counts[kind] = counts.get(kind, 0) + 1
        if not counts or EmailDelivery.objects.filter(user_id=user_id, subject=subject).exists():
            continue
        lines = "\n".join(f"・{label(k)}: {n}件" for k, n in sorted(counts.items()))
        rows.append(EmailDelivery(user_id=user_id, subject=subject,
                                  body=f"{lines}\n\nKasaneで確認してください: "
                                       f"{absolute(reverse('notify:notifications'))}\n"))
    rows = [r for r in rows if r.user_id and _has_address(r.user_id)]
    with transaction.atomic():
        EmailDelivery.objects.bulk_create(rows)
        _enqueue_on_commit("email", [r.pk for r in rows])
    return len(rows)


def _has_address(user_id: int) -> bool:
    from kasane.accounts.models import User

    return User.objects.filter(pk=user_id).exclude(email="").exists()


def notify_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Every calendar reminder, the alert escalations and the due delivery retries."""
    from .alerts import alert_escalate_due
    from .channels import deliveries_retry_due

    now = now or timezone.now()
    day = timezone.localtime(now).date()
    steps: dict[str, Callable[[], int]] = {
        "referral_overdue": lambda: referrals_overdue(day),
        "plan_review_due": lambda: plan_reviews_due(day),
        "check_due": lambda: checks_due(day),
        "meeting_soon": lambda: meetings_pledge_missing(now),
        "alerts_escalated": lambda: alert_escalate_due(now=now),
        "digests": lambda: digests_send(day),
        "deliveries_retried": lambda: deliveries_retry_due(now=now),
    }
    return {name: step() for name, step in steps.items()}
