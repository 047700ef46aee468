"""Home inbox section of 地域づくり (registered in core.inbox on import): the 気づき routed to me
that are not handled yet — date and 圏域 only (the content opens on the report page, logged)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kasane.accounts.models import Actor
from kasane.core.inbox import SECTIONS, Section
from kasane.core.wareki import format_wareki

from . import policy
from .models import ReportStatus, WatchReport


def reports_to_me(user: Any, membership: Actor) -> Section | None:
    """The first ten, and the whole number (counted only when there may be more)."""
    if not policy.can_write(membership):
        return None
    qs = WatchReport.objects.filter(routed_to=membership, status=ReportStatus.NEW) \
        .select_related("area").order_by("-received_on", "-id")
    rows = list(qs[:10])
    if not rows:
        return None
    items = [{"label": f"{r.area.name}の気づき（{format_wareki(r.received_on)}）",
              "url": reverse("community:report", args=[r.pk]), "note": r.get_channel_display()}
             for r in rows]
    return Section(title="見守りの気づき（未対応）", items=items,
                   more_url=reverse("community:watch"), order=25,
                   count=len(rows) if len(rows) < 10 else qs.count())


SECTIONS.add("community.reports_to_me", reports_to_me)
