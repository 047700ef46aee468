"""Home inbox: 自己評価 tasks of a 担当課 user (businesses of their unit with gaps)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kasane.accounts.models import Actor
from kasane.core.inbox import SECTIONS, Section

from . import policy as pdca_policy
from .models import PdcaCycle
from .report import build_report
from .selectors import unit_businesses


def self_evaluation_tasks(user: Any, membership: Actor) -> Section | None:
    """The unit's businesses with open targets or no Do, in each cycle open to units."""
    unit_id = pdca_policy.unit_id_of(membership)
    if unit_id is None:
        return None
    cycles = PdcaCycle.objects.filter(
        municipality_id=membership.organization.municipality_id,
        state__in=pdca_policy.UNIT_STATES).select_related("municipality")  # build_report reads it
    items = []
    for cycle in cycles:
        report = build_report(cycle, live=False)
        for b in unit_businesses(report, unit_id):
            if b["open"] or b["no_do"]:
                notes = [f"実績未入力 {b['open']}件"] if b["open"] else []
                notes += ["Do 未記入"] if b["no_do"] else []
                items.append({"label": f"{report['fy_label']} {b['plan_name']} {b['title']}",
                              "url": reverse("pdca:business", args=[cycle.pk, b["node_id"]]),
                              "note": "・".join(notes)})
    if not items and not cycles:
        return None
    return Section(title="PDCA 自己評価", items=items[:10], order=60,
                   empty_text="自己評価の入力はすべて済んでいます。",
                   more_url=reverse("pdca:index"))


SECTIONS.add("pdca.self_evaluation_tasks", self_evaluation_tasks)
