"""Binding sheet answers to core records: a registry, filled by the apps that own them.

A definition field may carry ``"binding": "<kind>"`` (``person``, ``consent``, ``case``,
``referral``, ``contact``, ``support_plan``, ``involvement``, ``closure``, ``match``,
``area_issue``). On submit (and on an edit of a submitted record) ``run()`` calls every
handler registered for a kind present in the definition, *inside* the submit transaction, so
a failing handler rolls the whole submit back. Handlers write through their own services
(people, cases …); they may set ``record.person_id`` etc. and must not save the record
themselves — the caller saves it after ``run()``.

The person block and the consent answers are wired by ``kasane.sheets.person_binding``
(registered from ``SheetsConfig.ready``; sheets sits above people, so the registration lives
here, never in people). Imports run with ``operation="import"`` and only call handlers
registered with ``on_import=True`` (none yet: bulk 名寄せ is issue 8), so a 100,000-row
import neither creates persons nor saves rows one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Binding:
    """What a handler receives. ``value`` is the canonical answer of the bound field."""

    record: Any
    field: dict[str, Any]
    value: Any
    actor: Any
    operation: str  # "submit" | "edit" | "import"


Handler = Callable[[Binding], None]
_HANDLERS: dict[str, list[Handler]] = {}
_ON_IMPORT: set[Handler] = set()


def register(kind: str, handler: Handler, *, on_import: bool = False) -> Handler:
    if handler not in _HANDLERS.get(kind, []):
        _HANDLERS.setdefault(kind, []).append(handler)
    if on_import:
        _ON_IMPORT.add(handler)
    return handler


def unregister(kind: str, handler: Handler) -> None:
    if handler in _HANDLERS.get(kind, []):
        _HANDLERS[kind].remove(handler)


def handlers_for(kind: str) -> list[Handler]:
    return list(_HANDLERS.get(kind, []))


def has_handlers(*, operation: str | None = None) -> bool:
    if operation == "import":
        return any(h in _ON_IMPORT for hs in _HANDLERS.values() for h in hs)
    return any(_HANDLERS.values())


def run(*, record: Any, actor: Any, operation: str) -> int:
    """Call the handlers for every bound field of the record's definition; returns the count."""
    calls = 0
    for field in record.definition.fields:
        kind = field.get("binding")
        if not kind:
            continue
        for handler in handlers_for(kind):
            if operation == "import" and handler not in _ON_IMPORT:
                continue
            handler(Binding(record=record, field=field, value=record.answers.get(field["key"]),
                            actor=actor, operation=operation))
            calls += 1
    return calls
