"""``{% sheet_case_actions record %}`` on the sheet record page: the case opened from the
record (when the viewer may see it), or 「この帳票からケースを開く」 for case roles."""

from __future__ import annotations

from typing import Any

from django import template

from kasane.access import policy
from kasane.cases.services_sheets import is_source

register = template.Library()


@register.inclusion_tag("cases/_sheet_case_actions.html", takes_context=True)
def sheet_case_actions(context: Any, record: Any) -> dict[str, Any]:
    request = context.get("request")
    member = getattr(request, "membership", None)
    out: dict[str, Any] = {"record": record, "case_id": None, "may_open": False}
    if member is None or not policy.handles_persons(member) or not is_source(record):
        return out
    if record.case_id is not None:
        visible = policy.visible_cases(member).filter(pk=record.case_id).exists()
        out["case_id"] = record.case_id if visible else None
        out["case_elsewhere"] = not visible
        return out
    out["may_open"] = True
    out["needs_binding"] = record.person_id is None
    return out
