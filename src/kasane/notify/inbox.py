"""Home inbox section of notify (core.inbox): open 緊急案件 sent to me or raised by my
organization (through ``notify.policy``), not yet resolved."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from kasane.accounts.models import Actor
from kasane.core.inbox import SECTIONS, Section
from kasane.core.wareki import format_wareki_datetime

from . import policy
from .models import AlertStatus


def open_alerts(user: Any, membership: Actor) -> Section | None:
    if not membership.handles_cases:
        return None
    rows = list(policy.visible_alerts(membership).exclude(status=AlertStatus.RESOLVED)
                .order_by("-created_at")[:10])
    if not rows:
        return None
    return Section(title="対応中の緊急案件", order=1, more_url=reverse("notify:alerts"),
                   items=[{"label": f"緊急案件（{a.urgency_short}）#{a.pk}・{a.get_status_display()}",
                           "url": reverse("notify:alert", args=[a.pk]),
                           "note": format_wareki_datetime(timezone.localtime(a.created_at), "short")} for a in rows])


SECTIONS.add("notify.open_alerts", open_alerts)
