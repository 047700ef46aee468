"""Home inbox sections of cases (registered in core.inbox on import): referrals waiting for my
organization's answer (overdue marked), my overdue next actions, plan reviews due and
recently changed cases I am involved in. Reads go through ``cases.selectors`` (access.policy)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.core.inbox import SECTIONS, Section
from kasane.core.wareki import format_wareki, format_wareki_datetime

from . import selectors


def referrals_waiting(user: Any, membership: Actor) -> Section | None:
    if not policy.handles_persons(membership):
        return None
    today = timezone.localdate()
    rows = list(selectors.referrals_waiting(membership)[:10])
    proposals = list(selectors.proposals_for(membership)[:5])
    items = [{"label": f"{r.from_org.name}からのつなぎ #{r.pk}",
              "url": reverse("cases:referral", args=[r.pk]),
              "note": ("期限超過 " if r.is_overdue(today) else "回答期限 ") + format_wareki(r.due_on, "short")}
             for r in rows]
    items += [{"label": f"{r.to_org.name}から提案あり（つなぎ #{r.pk}）",
               "url": reverse("cases:referral", args=[r.pk]), "note": "再依頼または取下げ"}
              for r in proposals]
    return Section(title="回答待ちのつなぎ", items=items,
                   empty_text="回答待ちのつなぎはありません。", order=10)


def overdue_actions(user: Any, membership: Actor) -> Section | None:
    if not policy.handles_persons(membership):
        return None
    rows = list(selectors.overdue_actions(membership)[:10])
    if not rows:
        return None
    return Section(title="期日を過ぎた次の対応",
                   items=[{"label": f"ケース#{c.case_id} {c.next_action}",
                              "url": reverse("cases:detail", args=[c.case_id]),
                              "note": f"期日 {format_wareki(c.next_due_on, 'short')}" if c.next_due_on
                              else ""} for c in rows], order=15)


def reviews_due(user: Any, membership: Actor) -> Section | None:
    if not policy.handles_persons(membership):
        return None
    rows = list(selectors.reviews_due(membership)[:10])
    if not rows:
        return None
    return Section(title="見直し時期の支援プラン",
                   items=[{"label": f"ケース#{p.case_id} 第{p.version}版",
                              "url": reverse("cases:detail", args=[p.case_id]),
                              "note": f"見直し {format_wareki(p.review_on, 'short')}"} for p in rows], order=25)


def recently_changed(user: Any, membership: Actor) -> Section | None:
    if not policy.handles_persons(membership):
        return None
    rows = list(selectors.recently_changed(membership)[:8])
    names = selectors.listed_names(membership, rows, detail="ホーム（最近動きのあったケース）")
    return Section(title="最近動きのあったケース",
                   items=[{"label": f"#{c.pk} {names.get(c.pk, '')}（{c.get_status_display()}）",
                              "url": reverse("cases:detail", args=[c.pk]),
                              "note": format_wareki_datetime(timezone.localtime(c.updated_at), "short")}
                             for c in rows],
                   empty_text="最近動きのあったケースはありません。",
                   more_url=reverse("cases:index"), order=40)


SECTIONS.add("cases.referrals_waiting", referrals_waiting)
SECTIONS.add("cases.overdue_actions", overdue_actions)
SECTIONS.add("cases.reviews_due", reviews_due)
SECTIONS.add("cases.recently_changed", recently_changed)
