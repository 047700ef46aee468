"""Home inbox sections of people/access (registered in core.inbox on import)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from kasane.access import policy
from kasane.access.selectors import emergency_grants_of, emergency_reviews
from kasane.accounts.models import Actor
from kasane.core.inbox import SECTIONS, Section
from kasane.core.wareki import format_wareki_datetime


def emergency_reviews_waiting(user: Any, membership: Actor) -> Section | None:
    """Coordinators: emergency accesses waiting for an after-the-fact review."""
    if not policy.can(membership, "emergency.review"):
        return None
    rows = list(emergency_reviews(actor=membership).exclude(requested_by=user)[:5])
    url = reverse("people:emergency_queue")
    return Section(
        title="緊急アクセスの事後確認",
        items=[{"label": f"#{r.pk} {r.requested_org.name}・{r.requested_by}",
                   "url": url, "note": format_wareki_datetime(timezone.localtime(r.requested_at), "short")}
                  for r in rows],
        empty_text="確認待ちの緊急アクセスはありません。",
        more_url=url,
        order=20,
    )


def my_emergency_grants(user: Any, membership: Actor) -> Section | None:
    """Case workers: their own emergency accesses still open (with expiry)."""
    if not policy.handles_persons(membership):
        return None
    grants = list(emergency_grants_of(actor=membership)[:5])
    if not grants:
        return None
    return Section(
        title="緊急アクセス中の本人",
        items=[{"label": f"本人ID {g.person_id}",
                   "url": reverse("people:detail", args=[g.person_id]),
                   "note": "期限 " + format_wareki_datetime(timezone.localtime(g.valid_until), "short")}
                  for g in grants],
        order=30,
    )


def match_candidates_waiting(user: Any, membership: Actor) -> Section | None:
    """Coordinators: the open 名寄せ candidates (未確認・保留) they can decide — both records
    visible — counted exactly as the queue counts them (``candidate_counts``), and how many
    more have a record they may not see; one statement (``match_inbox.waiting_summary``)."""
    from .selectors import may_review
    from .selectors.match_inbox import waiting_summary

    if not may_review(membership):
        return None
    counts, waiting = waiting_summary(membership, limit=5)
    summary = f"判断できる候補（未確認・保留）{counts.decidable} 件"
    if counts.one_side:
        summary += f"。ほかに相手の記録を閲覧できない候補 {counts.one_side} 件"
    return Section(
        title="名寄せ候補",
        items=[{"label": f"#{c.pk} {c.get_band_display()}（{c.get_status_display()}）",
                "url": reverse("people:match_review", args=[c.pk])} for c in waiting],
        empty_text="判断を待っている名寄せ候補はありません。",
        more_url=reverse("people:match_queue"),
        order=25,
        count=counts.decidable,
        summary=summary,
    )


SECTIONS.add("people.emergency_reviews_waiting", emergency_reviews_waiting)
SECTIONS.add("people.match_candidates_waiting", match_candidates_waiting)
SECTIONS.add("people.my_emergency_grants", my_emergency_grants)
