"""Registry of 未設定 sources: records above areas whose address no table row covers.

Declared here (areas sits low); filled by the apps that hold addresses, from their own module
imported by their ``AppConfig.ready()`` — resources (places, by name) and people (persons,
counted per 町丁目 without names: the 事務局 is not a case role). Each source is
``fn(municipality_id, table) -> list[Uncovered]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kasane.core.registry import Registry

from .selectors import AddressTable


@dataclass(frozen=True)
class Uncovered:
    """One line of the 未設定 list: what (a place's name, or 「本人 N人」), its address as
    the 事務局 may see it, and a link for those who may open it ("" for none)."""

    label: str
    address: str
    count: int = 1
    url: str = ""


Source = Callable[[int, AddressTable], list[Uncovered]]
SOURCES: Registry[Source] = Registry("areas: sources of addresses without an area")


def uncovered(municipality_id: int) -> dict[str, list[Uncovered]]:
    """Every registered source's uncovered addresses, by source key."""
    table = AddressTable(municipality_id)
    return {key: [u for fn in SOURCES.get(key) for u in fn(municipality_id, table)]
            for key in SOURCES}
