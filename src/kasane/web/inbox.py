"""The home page's "my work" sections, collected from providers of the apps below web.

A provider is ``callable(user, membership) -> Section | dict | None`` (apps below web return
a dict with Section's fields; see ``WebConfig.ready``). It must read personal data through
``kasane.access`` like every other reader.
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


Provider = Callable[[Any, Any], "Section | dict[str, Any] | None"]
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    PROVIDERS.append(provider)
    return provider


def sections_for(user: Any, membership: Any) -> list[Section]:
    if membership is None:
        return []
    sections = []
    for provider in PROVIDERS:
        section = provider(user, membership)
        if isinstance(section, dict):
            section = Section(**section)
        if section is not None:
            sections.append(section)
    return sorted(sections, key=lambda s: s.order)
