"""Every write of sheets, by area: ``records`` (drafts, autosave, submit, edit, discard, つなぐ
シート routing) and ``definitions`` (municipality fields and sheets). Imports and exports are
``sheets.imports`` / ``sheets.exports``. Re-exported here as the app's write API."""

from .definitions import definition_add_fields, definition_create_own
from .records import (
    HEADER_LABELS,
    TYPED_WRITTEN_ON,
    ConflictError,
    DraftSave,
    answers_check,
    draft_problems,
    liaison_status_set,
    prefill_answers,
    record_autosave,
    record_create,
    record_create_draft,
    record_discard_draft,
    record_draft_save,
    record_edit_submitted,
    record_submit,
)

__all__ = [
    "HEADER_LABELS",
    "TYPED_WRITTEN_ON",
    "ConflictError",
    "DraftSave",
    "answers_check",
    "definition_add_fields",
    "definition_create_own",
    "draft_problems",
    "liaison_status_set",
    "prefill_answers",
    "record_autosave",
    "record_create",
    "record_create_draft",
    "record_discard_draft",
    "record_draft_save",
    "record_edit_submitted",
    "record_submit",
]
