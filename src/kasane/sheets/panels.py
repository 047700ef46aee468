"""The 「帳票」 panel sheets adds to the person page (``core.panels``, page ``people.person``)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from kasane.accounts.http import membership_of
from kasane.core.panels import PANELS

from . import policy as sheet_policy
from .models import RecordStatus

PERSON_SHEETS_SHOWN = 20


def person_sheets(request: Any, person: Any) -> str:
    """This person's submitted sheet records the viewer may see
    (``sheet_policy.visible_records``), newest first; the listing is logged like the index."""
    actor = membership_of(request)
    records = list(sheet_policy.visible_records(actor)
                   .filter(person_id=person.pk, status=RecordStatus.SUBMITTED)
                   .select_related("definition", "organization")
                   .order_by("-submitted_at", "-pk")[:PERSON_SHEETS_SHOWN])
    if actor is not None and records:
        sheet_policy.log_records_listed(actor=actor, records=records)
    return render_to_string("sheets/_person_sheets.html", {"records": records, "person": person},
                            request=request)


PANELS.add("people.person", person_sheets)
