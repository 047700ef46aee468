"""Sheet link handlers: what a sheet's bound answers do to core records (a core registry,
declared here and filled by the apps that own those records, from their own modules).

A definition field may carry ``"binding": "<kind>"`` (``person``, ``consent``, ``case``,
``referral``, ``contact``, ``support_plan``, ``involvement``, ``closure``, ``match``,
``area_issue``). On submit (and on an edit of a submitted record) ``run()`` calls every
handler registered for a kind present in the definition, *inside* the submit transaction, so
a failing handler rolls the whole submit back. Handlers write through their own services
(people, cases …); they may set ``record.person_id`` etc. and must not save the record
themselves — the caller saves it after ``run()``.

The person block and the consent answers are wired by ``kasane.sheets.person_binding``
(sheets sits above people, so that registration lives here, never in people). The other
kinds (case, contact, referral, plan, closure …) are *derived* by ``kasane.sheets.links``,
whose registry the owning apps fill (cases: ``cases/sheet_links.py``) — a failure there keeps
the sheet. Imports run with ``operation="import"`` and only call handlers registered here with
``on_import=True`` (none); the import binds persons in bulk itself (``imports``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kasane.accounts.models import Actor
from kasane.core.registry import Registry


@dataclass(frozen=True)
class Binding:
    """What a handler receives. ``value`` is the canonical answer of the bound field."""

    record: Any
    field: dict[str, Any]
    value: Any
    actor: Actor
    operation: str  # "submit" | "edit" | "import"


Handler = Callable[[Binding], None]
HANDLERS: Registry[Handler] = Registry("sheet link handlers")
ON_IMPORT: Registry[Handler] = Registry("sheet link handlers that also run on import")


def register(kind: str, handler: Handler, *, on_import: bool = False) -> Handler:
    HANDLERS.add(kind, handler)
    if on_import:
        ON_IMPORT.add(kind, handler)
    return handler


def unregister(kind: str, handler: Handler) -> None:
    HANDLERS.discard(kind, handler)
    ON_IMPORT.discard(kind, handler)


def has_handlers(*, operation: str | None = None) -> bool:
    return bool((ON_IMPORT if operation == "import" else HANDLERS).values())


def run(*, record: Any, actor: Actor, operation: str) -> int:
    """Call the handlers for every bound field of the record's definition; returns the count."""
    calls = 0
    for field in record.definition.fields:
        kind = field.get("binding")
        if not kind:
            continue
        for handler in (ON_IMPORT if operation == "import" else HANDLERS).get(kind):
            handler(Binding(record=record, field=field, value=record.answers.get(field["key"]),
                            actor=actor, operation=operation))
            calls += 1
    return calls
