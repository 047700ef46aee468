"""The cases panel on the sheet record page (``core.panels``, page ``sheets.record``):
the case opened from the record (when the viewer may see it), or 「この帳票からケースを開く」
for case roles."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from kasane.access import policy
from kasane.core.panels import PANELS

from . import policy as case_policy
from .services import is_source


def sheet_case_actions(request: Any, record: Any) -> str:
    member = getattr(request, "membership", None)
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
