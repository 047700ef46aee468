"""``{% person_panels person %}``: the panels other apps registered in ``people.panels``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from kasane.people.panels import render_person_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def person_panels(context: Any, person: Any) -> SafeString:
    # Each panel returns HTML rendered from its own (autoescaped) template.
    return mark_safe(render_person_panels(context.get("request"), person))  # noqa: S308
