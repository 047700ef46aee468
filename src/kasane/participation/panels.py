"""The 「参加支援」 panel participation adds to the case page (``core.panels``, page
``cases.case``): the subjects' wishes, the matches with their stage and next follow-up, and
the buttons to record wishes and see suggested places (for involved organizations). The
page has already checked (and logged) the case read."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from kasane.accounts.http import membership_of
from kasane.core.panels import PANELS

from . import policy, selectors
from .models import Day, Role, TimeBand, Wish


def _labels(codes: list[str], choices: Any) -> list[str]:
    names = dict(choices)
    return [str(names.get(c, c)) for c in codes]


def _wishes(case: Any) -> list[Wish]:
    rows = list(Wish.objects.filter(case=case).select_related("person", "area").order_by("id"))
    for w in rows:
        w.role_labels = _labels(w.roles, Role.choices)  # type: ignore[attr-defined]
        w.day_labels = _labels(w.days, Day.choices)  # type: ignore[attr-defined]
        w.band_labels = _labels(w.time_bands, TimeBand.choices)  # type: ignore[attr-defined]
    return rows


def case_participation(request: Any, case: Any) -> str:
    actor = membership_of(request)
    if actor is None or not actor.handles_cases:
        return ""
    matches = selectors.case_matches(case)
    for m in matches:
        due = [f.due_on for f in m.follow_ups.all() if f.on is None and f.due_on]
        m.next_due = min(due) if due else None  # type: ignore[attr-defined]
    return render_to_string("participation/_case_panel.html", {
        "case": case, "wishes": _wishes(case), "matches": matches,
        "can_manage": case.is_open and policy.can_manage(actor, case)}, request=request)


PANELS.add("cases.case", case_participation)
