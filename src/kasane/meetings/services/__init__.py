"""Every write of meetings (policy check → transaction → full_clean → write → audit row), by
area: ``meetings`` (bodies, meetings, attendees, pledges, agenda, minutes, print records),
``decisions`` (decisions carried into the case) and ``network`` (members and records of network
meetings). Re-exported here as the app's write API.
"""

from .decisions import decision_record, meeting_link, where
from .meetings import (
    SOURCE,
    ConsentMissing,
    agenda_add,
    agenda_remove,
    annual_pledge,
    attendee_add,
    attending_orgs,
    body_create,
    consent_day,
    fiscal_year_end,
    meeting_create,
    meeting_update,
    minutes_approve,
    minutes_write,
    missing_consents,
    pledge_sign,
    print_record,
    window_end,
)
from .network import body_member_add, network_record

__all__ = [
    "SOURCE", "ConsentMissing", "agenda_add", "agenda_remove", "annual_pledge", "attendee_add",
    "attending_orgs", "body_create", "body_member_add", "network_record", "consent_day", "decision_record", "fiscal_year_end",
    "meeting_create", "meeting_link", "meeting_update", "minutes_approve", "minutes_write",
    "missing_consents", "pledge_sign", "print_record", "where", "window_end",
]
