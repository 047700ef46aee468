"""Home inbox of accounts: role requests waiting for a second person (admins, coordinators)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from kasane.core.inbox import SECTIONS, Section
from kasane.core.wareki import format_wareki_datetime

from .models import Role
from .services import role_requests_pending


def role_requests_waiting(user: Any, membership: Any) -> Section | None:
    """Coordinators and admins: role grants another admin asked for, waiting for approval."""
    if membership.role not in (Role.ADMIN, Role.COORDINATOR):
        return None
    rows = role_requests_pending(user=user)
    if not rows:
        return None
    url = reverse("accounts:role_requests")
    return Section(
        title="役割付与の承認待ち",
        items=[{"label": f"{r.user}・{r.organization.name}・{r.get_role_display()}", "url": url,
                "note": format_wareki_datetime(timezone.localtime(r.requested_at), "short")}
               for r in rows[:5]],
        count=len(rows), empty_text="承認待ちの役割付与はありません。", more_url=url, order=15)


SECTIONS.add("accounts.role_requests", role_requests_waiting)
