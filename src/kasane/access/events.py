"""Domain events of access (core.events): emitted by the services, ids only."""

from kasane.core.events import Event

EMERGENCY_REQUESTED = Event("access.emergency_requested",
                            "緊急アクセスが申請され、事後確認を待っている (review_id)")
