"""``{% record_panels record %}``: the panels other apps registered in ``sheets.panels``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from kasane.sheets.panels import render_record_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def record_panels(context: Any, record: Any) -> SafeString:
    # Each panel returns HTML rendered from its own (autoescaped) template.
    return mark_safe(render_record_panels(context.get("request"), record))  # noqa: S308
