"""The home page's "my work" sections (the ``inbox`` registry; web renders them).

Each app offers sections from its own ``inbox`` module, registered there with
``SECTIONS.add(name, provider)`` (imported by the app's ``AppConfig.ready()``). A provider is
``callable(user, membership) -> Section | None`` and reads personal data through the app's
policy like every other reader. A section may also carry ``actions``: the buttons for the
role's main tasks (「つなぐシートを書く」), shown at the top of the home page (``actions_for``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .registry import Registry


@dataclass
class Action:
    """A button on the home page: one tap to a main task. ``primary``: the role's main one."""

    label: str
    url: str
    primary: bool = False


@dataclass
class Section:
    title: str
    items: list[dict[str, Any]] = field(default_factory=list)
    empty_text: str = "ありません。"
    more_url: str = ""
    order: int = 100
    actions: list[Action] = field(default_factory=list)
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


def actions_for(sections: list[Section]) -> list[Action]:
    """Every section's actions, the primary ones first (then in section order)."""
    found = [a for s in sections for a in s.actions]
    return [a for a in found if a.primary] + [a for a in found if not a.primary]
