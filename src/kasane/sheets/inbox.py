"""Home-inbox sections: new つなぐシート for coordinators; a 連絡員's own submissions, with the
buttons to write a つなぐシート (their main task) and a 地域課題シート."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kasane.accounts.models import Actor, Role
from kasane.core.inbox import SECTIONS, Action, Section

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
        items=[{"label": ("【即日】" if r.urgent else "")
                + f"{r.person_name or '匿名の相談'}（{r.organization.name}）",
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
        actions=write_actions(membership),
    )


# A 連絡員's main task first: the sheets they write, as home buttons (code, label, primary).
LIAISON_ACTIONS = ((sheet_policy.LIAISON_CODE, "つなぐシートを書く", True),
                   ("area_issue", "地域課題シートを書く", False))


def write_actions(membership: Actor) -> list[Action]:
    """One tap to an empty form of each sheet the 連絡員 writes (nothing is stored until
    something is typed)."""
    return [Action(label=label, url=reverse("sheets:new", args=[code]), primary=primary)
            for code, label, primary in LIAISON_ACTIONS
            if sheet_policy.can_write(membership, code)]


SECTIONS.add("sheets.liaison_sheets_for_coordinators", liaison_sheets_for_coordinators)
SECTIONS.add("sheets.my_liaison_submissions", my_liaison_submissions)
