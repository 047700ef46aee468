"""Domain events of accounts (payloads: ids only). A notifications app subscribes later."""

from __future__ import annotations

from kasane.core.events import Event

ROLE_REQUESTED = Event(
    "accounts.role_requested",
    "An admin asked to give a user a case role (or 監査); waits for a second person. "
    "Data: role_request_id, user_id, organization_id, role, requested_by_id.")
ROLE_REQUEST_DECIDED = Event(
    "accounts.role_request_decided",
    "A role request was approved or rejected. Data: role_request_id, status, decided_by_id, "
    "membership_id (None when rejected).")
