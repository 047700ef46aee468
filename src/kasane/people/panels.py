"""Panels other apps add to the person page (e.g. sheets: this person's sheet records).

Apps above people append ``callable(request, person) -> str`` (rendered HTML, "" for nothing)
to ``PERSON_PANELS`` in their ``AppConfig.ready()``; people never imports them. A panel is
rendered only after ``access.policy.require_person`` allowed the page, and must itself show
only what its own access rule lets the viewer see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PERSON_PANELS: list[Callable[[Any, Any], str]] = []


def render_person_panels(request: Any, person: Any) -> str:
    return "".join(panel(request, person) for panel in PERSON_PANELS)
