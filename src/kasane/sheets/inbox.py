"""Home-inbox sections: new つなぐシート for coordinators; a 連絡員's own submissions."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kasane.accounts.models import Actor, Role
from kasane.core.inbox import SECTIONS, Section

from . import policy as sheet_policy
from . import selectors
from .models import RecordStatus


def liaison_sheets_for_coordinators(user: Any, membership: Actor) -> Section | None:
    if membership is None or membership.role != Role.COORDINATOR:
        return None
    rows = selectors.liaison_inbox(actor=membership)
    sheet_policy.log_records_listed(actor=membership, records=rows, action="sheet_inbox")
    return Section(
        title="新しいつなぐシート",
        items=[{"label": f"{r.person_name or '匿名の相談'}（{r.organization.name}）",
                   "url": reverse("sheets:detail", args=[r.pk]),
                   "note": r.get_route_status_display()} for r in rows],
        empty_text="新しいつなぐシートはありません。",
        more_url=reverse("sheets:index") + "?sheet=liaison",
        order=20,
    )


def my_liaison_submissions(user: Any, membership: Actor) -> Section | None:
    if membership is None or membership.role != Role.LIAISON:
        return None
    rows = list(sheet_policy.visible_records(membership)
                .filter(definition__code=sheet_policy.LIAISON_CODE, status=RecordStatus.SUBMITTED)
                .select_related("definition").order_by("-submitted_at")[:10])
    sheet_policy.log_records_listed(actor=membership, records=rows, action="sheet_inbox")
    return Section(
        title="送ったつなぐシート",
        items=[{"label": r.person_name or "匿名の相談", "url": reverse("sheets:detail", args=[r.pk]),
                   "note": r.get_route_status_display()} for r in rows],
        empty_text="まだ送ったシートはありません。",
        more_url=reverse("sheets:index"),
        order=20,
    )


SECTIONS.add("sheets.liaison_sheets_for_coordinators", liaison_sheets_for_coordinators)
SECTIONS.add("sheets.my_liaison_submissions", my_liaison_submissions)
