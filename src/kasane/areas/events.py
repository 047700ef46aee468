"""Domain events of areas (payloads: ids only)."""

from __future__ import annotations

from kasane.core.events import Event

ADDRESS_TABLE_CHANGED = Event(
    "areas.address_table_changed",
    "A tenant's areas or address table changed (import, edit): every derived area must be "
    "derived again. Data: none besides municipality_id.")
