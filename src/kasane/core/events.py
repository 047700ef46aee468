"""Domain events: a lower app announces what happened; higher apps subscribe.

An event is declared once, in the emitting app's ``events`` module, as ``Event("<app>.<what>",
doc)``; the emitting service calls ``EVENT.emit(...)`` inside its transaction, and subscribers
(e.g. notifications) register with ``EVENT.subscribe(handler)`` from their own module. Handlers
run synchronously in the emitter's transaction, so what they write commits or rolls back with
the event. Payloads carry ids, never personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .registry import Registry

SUBSCRIBERS: Registry[Callable[[Occurrence], None]] = Registry("domain event subscribers")
EVENTS: Registry[Event] = Registry("domain events", unique=True)


@dataclass(frozen=True)
class Occurrence:
    """One emitted event: its name, the tenant and the ids that identify what happened."""

    name: str
    municipality_id: int
    data: dict[str, Any] = field(default_factory=dict)


class Event:
    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.doc = doc
        EVENTS.add(name, self)

    def subscribe(self, handler: Callable[[Occurrence], None]) -> Callable[[Occurrence], None]:
        return SUBSCRIBERS.add(self.name, handler)

    def emit(self, *, municipality_id: int, **data: Any) -> Occurrence:
        occurrence = Occurrence(self.name, int(municipality_id), dict(data))
        for handler in SUBSCRIBERS.get(self.name):
            handler(occurrence)
        return occurrence

    def __repr__(self) -> str:
        return f"Event({self.name!r})"
