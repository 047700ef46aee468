"""Every write of participation (policy check → transaction → full_clean → write →
ChangeRecord + case timeline), by area: ``wishes``, ``matches`` (受入打診 → 回答 → 体験 → 開始
→ 終了), ``follow_ups`` (定着支援) and ``bank`` (人材バンク)."""

from .bank import (
    assignment_create,
    assignment_set_status,
    help_request_create,
    hours_log,
    note_add,
    volunteer_save,
)
from .follow_ups import follow_up_record, follow_up_update
from .matches import (
    host_for,
    match_answer,
    match_end,
    match_propose,
    match_start,
    match_trial,
    match_withdraw,
)
from .wishes import wish_save

__all__ = [
    "assignment_create", "assignment_set_status", "follow_up_record", "follow_up_update",
    "help_request_create", "host_for", "hours_log", "match_answer", "match_end",
    "match_propose", "match_start", "match_trial", "match_withdraw", "note_add",
    "volunteer_save", "wish_save",
]
