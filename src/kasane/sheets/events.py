"""Domain events of sheets (core.events): emitted by the services, ids only."""

from kasane.core.events import Event

SHEET_ROUTED = Event("sheets.routed", "つなぐシートが提出された (record_id, urgency)")
IMPORT_FINISHED = Event("sheets.import_finished",
                        "取込の確認または取込が終わった (import_id, status)")
