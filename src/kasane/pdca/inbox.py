"""Home inbox: 自己評価 tasks of a 担当課 user (businesses of their unit with gaps)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kasane.accounts.models import Actor
from kasane.core.inbox import SECTIONS, Section
from kasane.core.wareki import fiscal_year_label

from . import policy as pdca_policy
from .models import PdcaCycle
from .selectors import unit_gaps


def self_evaluation_tasks(user: Any, membership: Actor) -> Section | None:
    """The unit's businesses with open targets or no Do, in each cycle open to units."""
    unit_id = pdca_policy.unit_id_of(membership)
    if unit_id is None:
        return None
    cycles = PdcaCycle.objects.filter(
        municipality_id=membership.organization.municipality_id,
        state__in=pdca_policy.UNIT_STATES)
    items = []
    for cycle in cycles:
        for b in unit_gaps(cycle, unit_id):
            if b["open"] or b["no_do"]:
                notes = [f"実績未入力 {b['open']}件"] if b["open"] else []
                notes += ["Do 未記入"] if b["no_do"] else []
                label = f"{fiscal_year_label(cycle.fiscal_year)} {b['plan_name']} " \
                    f"{b['node'].display_title}"
                items.append({"label": label, "note": "・".join(notes),
                              "url": reverse("pdca:business", args=[cycle.pk, b["node"].pk])})
    if not items and not cycles:
        return None
    return Section(title="PDCA 自己評価", items=items[:10], order=60,
                   empty_text="自己評価の入力はすべて済んでいます。",
                   more_url=reverse("pdca:index"))


SECTIONS.add("pdca.self_evaluation_tasks", self_evaluation_tasks)
