"""Home inbox section of the directory: returned 居場所調査 sheets waiting for 社協's review
(registered in core.inbox on import). Place names only — no personal data."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kasane.accounts.models import Actor
from kasane.core.inbox import SECTIONS, Section

from . import policy, selectors


def pending_changes(user: Any, membership: Actor) -> Section | None:
    """The first five, and the whole number (counted only when there may be more)."""
    if not policy.can_edit(membership):
        return None
    qs = selectors.pending_changes(policy.tenant_id(membership))
    rows = list(qs[:5])
    if not rows:
        return None
    items = [{"label": c.place.name, "url": reverse("resources:changes"),
              "note": f"{c.get_source_display()}の回答"} for c in rows]
    return Section(title="居場所調査の確認待ち", items=items, more_url=reverse("resources:changes"),
                   order=60,
                   count=len(rows) if len(rows) < 5 else qs.count(), summary="反映（公開）か却下を選んでください。")


SECTIONS.add("resources.pending_changes", pending_changes)
