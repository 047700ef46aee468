"""The 「帳票」 panel sheets adds to the person page (``core.panels``, page ``people.person``)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from kasane.core.panels import PANELS

PERSON_SHEETS_SHOWN = 20


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


PANELS.add("people.person", person_sheets)
