"""What cases adds to pages of apps below it: the panel on the sheet record page
(``core.panels``, page ``sheets.record``: the case opened from the record when the viewer may
see it, or 「この帳票からケースを開く」 for case roles) and the cases of each record of a merged
identity (``people.selectors.IDENTITY_RECORDS``)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from kasane.access import policy
from kasane.accounts.http import membership_of
from kasane.accounts.models import Actor
from kasane.core.panels import PANELS
from kasane.people.selectors import IDENTITY_RECORDS

from . import policy as case_policy
from .services import is_source


def sheet_case_actions(request: Any, record: Any) -> str:
    member = membership_of(request)
    if (record.status != "submitted" or member is None or not policy.handles_persons(member)
            or not is_source(record)):
        return ""
    context: dict[str, Any] = {"record": record, "case_id": None, "may_open": False}
    if record.case_id is not None:
        visible = case_policy.visible_cases(member).filter(pk=record.case_id).exists()
        context["case_id"] = record.case_id if visible else None
        context["case_elsewhere"] = not visible
    else:
        context["may_open"] = True
        context["needs_binding"] = record.person_id is None
    return render_to_string("cases/_sheet_case_actions.html", context, request=request)


PANELS.add("sheets.record", sheet_case_actions)


def identity_cases(actor: Actor, person_ids: list[int]) -> dict[int, list[Any]]:
    """The cases the actor may see of each person (a merged identity's records)."""
    found: dict[int, list[Any]] = {}
    for case in case_policy.visible_cases(actor).filter(subjects__person_id__in=person_ids) \
            .prefetch_related("subjects").distinct():
        for s in case.subjects.all():
            if s.person_id in person_ids:
                found.setdefault(s.person_id, []).append(case)
    return found


IDENTITY_RECORDS.add("cases", identity_cases)
