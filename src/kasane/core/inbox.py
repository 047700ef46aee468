"""The home page's "my work" sections (the ``inbox`` registry; web renders them).

Each app offers sections from its own ``inbox`` module, registered there with
``SECTIONS.add(name, provider)`` (imported by the app's ``AppConfig.ready()``). A provider is
``callable(user, membership) -> Section | None`` and reads personal data through the app's
policy like every other reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .registry import Registry


@dataclass
class Section:
    title: str
    items: list[dict[str, Any]] = field(default_factory=list)
    empty_text: str = "ありません。"
    more_url: str = ""
    order: int = 100
    count: int | None = None  # the whole number when ``items`` shows only the first few
    summary: str = ""  # one line under the title: what is counted

    @property
    def total(self) -> int:
        return len(self.items) if self.count is None else self.count


Provider = Callable[[Any, Any], "Section | None"]
SECTIONS: Registry[Provider] = Registry("inbox sections")


def sections_for(user: object, membership: object | None) -> list[Section]:
    """The sections for the acting membership, ordered (none without a membership)."""
    if membership is None:
        return []
    found = [provider(user, membership) for provider in SECTIONS.values()]
    return sorted((s for s in found if s is not None), key=lambda s: s.order)
