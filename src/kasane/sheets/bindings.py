"""Binding sheet answers to core records: a registry, filled by the apps that own them.

A definition field may carry ``"binding": "<kind>"`` (``person``, ``consent``, ``case``,
``referral``, ``contact``, ``support_plan``, ``involvement``, ``closure``, ``match``,
``area_issue``). On submit (and on an edit of a submitted record) ``run()`` calls every
handler registered for a kind present in the definition, *inside* the submit transaction, so
a failing handler rolls the whole submit back. Handlers write through their own services
(people, cases …); they may set ``record.person_id`` etc. and must not save the record
themselves — the caller saves it after ``run()``.

Wiring the person block to 名寄せ / Person / Consent is a registration, e.g. in
``kasane.people.apps.PeopleConfig.ready``::

    from kasane.sheets import bindings
    bindings.register("person", people_services.person_bind_from_sheet)

Until then no handler is registered and the record keeps the typed block in
``person_snapshot``.
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
    operation: str  # "submit" | "edit"


Handler = Callable[[Binding], None]
_HANDLERS: dict[str, list[Handler]] = {}


def register(kind: str, handler: Handler) -> Handler:
    _HANDLERS.setdefault(kind, []).append(handler)
    return handler


def unregister(kind: str, handler: Handler) -> None:
    if handler in _HANDLERS.get(kind, []):
        _HANDLERS[kind].remove(handler)


def handlers_for(kind: str) -> list[Handler]:
    return list(_HANDLERS.get(kind, []))


def has_handlers() -> bool:
    return any(_HANDLERS.values())


def run(*, record: Any, actor: Any, operation: str) -> int:
    """Call the handlers for every bound field of the record's definition; returns the count."""
    calls = 0
    for field in record.definition.fields:
        kind = field.get("binding")
        if not kind:
            continue
        for handler in handlers_for(kind):
            handler(Binding(record=record, field=field, value=record.answers.get(field["key"]),
                            actor=actor, operation=operation))
            calls += 1
    return calls
