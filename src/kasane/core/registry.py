"""The one registry mechanism for genuine plug-ins (docs/architecture.md "Registries").

A registry holds plug-ins of one kind under string keys (a page, a metric code, a sheet link
kind, an event name). It is *declared* once — in the module of the app that owns the
extension point, or in ``core`` when the consumer sits above the providers — and *filled* at
start-up by each providing app from its own module, imported by that app's
``AppConfig.ready()``. Nothing else is ever appended to another app's lists: widening who
may see what is data (grant rows), never a plug-in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Plug-ins of one kind by key; ``unique`` registries hold one plug-in per key."""

    def __init__(self, name: str, *, unique: bool = False) -> None:
        self.name = name
        self.unique = unique
        self._items: dict[str, list[T]] = {}

    def add(self, key: str, item: T) -> T:
        """Register ``item`` under ``key``; registering the same item again changes nothing
        (``ready()`` may run twice). A unique registry refuses a second, different item."""
        items = self._items.setdefault(key, [])
        if item in items:
            return item
        if self.unique and items:
            raise ValueError(f"{self.name}: {key!r} is already registered")
        items.append(item)
        return item

    def get(self, key: str) -> list[T]:
        """The plug-ins registered under ``key`` in registration order (a copy)."""
        return list(self._items.get(key, ()))

    def one(self, key: str) -> T:
        """The plug-in of a unique registry; KeyError when none is registered."""
        items = self._items.get(key)
        if not items:
            raise KeyError(key)
        return items[0]

    def keys(self) -> list[str]:
        return [key for key, items in self._items.items() if items]

    def values(self) -> list[T]:
        return [item for items in self._items.values() for item in items]

    def __contains__(self, key: object) -> bool:
        return bool(self._items.get(str(key)))

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def discard(self, key: str, item: T) -> None:
        """Remove one plug-in (tests that register a temporary one clean up with this)."""
        items = self._items.get(key, [])
        if item in items:
            items.remove(item)
