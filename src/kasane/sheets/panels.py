"""Panels other apps add to the sheet record page (e.g. cases: 「この帳票からケースを開く」).

Apps above sheets append ``callable(request, record) -> str`` (rendered HTML, "" for nothing)
to ``RECORD_PANELS`` in their ``AppConfig.ready()``; sheets never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RECORD_PANELS: list[Callable[[Any, Any], str]] = []


def render_record_panels(request: Any, record: Any) -> str:
    return "".join(panel(request, record) for panel in RECORD_PANELS)
