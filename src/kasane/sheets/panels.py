"""Panels between sheets and the apps around it.

- ``RECORD_PANELS``: apps above sheets append ``callable(request, record) -> str`` (rendered
  HTML, "" for nothing) in their ``AppConfig.ready()`` (e.g. cases: 「この帳票からケースを開く」);
  sheets never imports them.
- ``person_sheets``: the 「帳票」 panel sheets adds to the person page
  (``people.panels.PERSON_PANELS``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string

RECORD_PANELS: list[Callable[[Any, Any], str]] = []
PERSON_SHEETS_SHOWN = 20


def render_record_panels(request: Any, record: Any) -> str:
    return "".join(panel(request, record) for panel in RECORD_PANELS)


def person_sheets(request: Any, person: Any) -> str:
    """This person's submitted sheet records the viewer may see
    (``selectors.records_visible_to``), newest first; the listing is logged like the index."""
    from . import selectors
    from .models import RecordStatus

    actor = getattr(request, "membership", None)
    records = list(selectors.records_visible_to(actor)
                   .filter(person_id=person.pk, status=RecordStatus.SUBMITTED)
                   .select_related("definition", "organization")
                   .order_by("-submitted_at", "-pk")[:PERSON_SHEETS_SHOWN])
    if actor is not None and records:
        selectors.log_list(actor=actor, records=records)
    return render_to_string("sheets/_person_sheets.html", {"records": records},
                            request=request)
