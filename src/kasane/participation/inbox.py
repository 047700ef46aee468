"""Home inbox sections of participation (``core.inbox``): proposals waiting for the answer of
the actor's organization as a place, and 定着支援 follow-ups due within two weeks (or overdue)
on the cases it takes part in. Place names and dates only — the person opens on the match
page (its read logged there)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kasane.access import policy as access_policy
from kasane.accounts.models import Actor
from kasane.core.inbox import SECTIONS, Section
from kasane.core.wareki import format_wareki

from . import selectors


def proposals(user: Any, membership: Actor) -> Section | None:
    if not access_policy.handles_persons(membership):
        return None
    rows = list(selectors.proposals_to_answer(membership)[:10])
    if not rows:
        return None
    items = [{"label": f"{m.place.name}への受入打診（{format_wareki(m.proposed_on)}）",
              "url": reverse("participation:match", args=[m.pk]), "note": m.get_stage_display()}
             for m in rows]
    return Section(title="受入打診への回答", items=items,
                   more_url=reverse("participation:index"), order=35)


def follow_ups(user: Any, membership: Actor) -> Section | None:
    if not access_policy.handles_persons(membership):
        return None
    rows = list(selectors.follow_ups_due(membership)[:10])
    if not rows:
        return None
    items = [{"label": f"定着支援：{f.match.place.name}"
                       f"（予定 {format_wareki(f.due_on) if f.due_on else '—'}）",
              "url": reverse("participation:match", args=[f.match_id]),
              "note": "期限を過ぎています" if f.due_on and f.due_on < _today() else ""}
             for f in rows]
    return Section(title="定着支援の予定", items=items, more_url=reverse("participation:index"),
                   order=36)


def _today() -> Any:
    from django.utils import timezone
    return timezone.localdate()


SECTIONS.add("participation.proposals", proposals)
SECTIONS.add("participation.follow_ups", follow_ups)
