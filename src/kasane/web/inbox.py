"""The home page's "my work" sections. Later apps register providers here.

A provider is ``callable(user, membership) -> Section | None``; it must read through
``kasane.access`` like every other reader of personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Section:
    title: str
    items: list[dict[str, Any]] = field(default_factory=list)
    empty_text: str = "ありません。"
    more_url: str = ""
    order: int = 100


Provider = Callable[[Any, Any], "Section | None"]
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    PROVIDERS.append(provider)
    return provider


def sections_for(user: Any, membership: Any) -> list[Section]:
    if membership is None:
        return []
    sections = [s for s in (p(user, membership) for p in PROVIDERS) if s is not None]
    return sorted(sections, key=lambda s: s.order)
