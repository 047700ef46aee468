"""Home inbox sections of meetings (registered in core.inbox on import): reminders of my upcoming
meetings (within 14 days) and pledges still to sign. Meeting metadata only, no case content."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.core.inbox import SECTIONS, Section
from kasane.core.wareki import format_wareki_datetime

from .models import Attendee


def upcoming_meetings(user: Any, membership: Actor) -> Section | None:
    if not policy.handles_persons(membership):
        return None
    now = timezone.now()
    rows = list(Attendee.objects.filter(
        user_id=membership.user_id, meeting__starts_at__gte=now - dt.timedelta(hours=6),
        meeting__starts_at__lte=now + dt.timedelta(days=14),
        meeting__municipality_id=policy.tenant_id(membership),
    ).select_related("meeting", "meeting__body").order_by("meeting__starts_at")[:10])
    if not rows:
        return None
    items = []
    for a in rows:
        start = timezone.localtime(a.meeting.starts_at)
        items.append({"label": f"{a.meeting.body.name}（{format_wareki_datetime(start, 'short')}）",
                      "url": reverse("meetings:detail", args=[a.meeting_id]),
                      "note": "誓約済み" if a.pledge_id else "守秘義務の誓約が必要です"})
    return Section(title="近日の会議", items=items, more_url=reverse("meetings:index"),
                   order=20)


SECTIONS.add("meetings.upcoming_meetings", upcoming_meetings)
