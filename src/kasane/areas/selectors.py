"""Reading the areas master: lists for screens and the API, and area lookup by address.

Lookup takes the *longest* address-table prefix that covers the address and never guesses:
an address no row covers has no area (shown as 未設定 and listed for the 事務局).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from kasane.core.text import normalize_address

from .keys import covers, prefixes_of
from .models import KIND_ORDER, AddressArea, Area, AreaKind


def areas(municipality: Any, kind: str | None = None) -> list[Area]:
    """The tenant's areas, 日常生活圏域 first, then 小地域, 民生委員地区; by code within a kind."""
    qs: QuerySet[Area] = Area.objects.filter(municipality=municipality).select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    return sorted(qs, key=lambda a: (KIND_ORDER.get(a.kind, 99), a.code))


def area_by_code(municipality: Any, code: str,
                 kind: str = AreaKind.DAILY_LIFE_AREA) -> Area | None:
    return Area.objects.filter(municipality=municipality, kind=kind, code=code).first()


def area_for_address(municipality: Any, address: str,
                     kind: str = AreaKind.DAILY_LIFE_AREA) -> Area | None:
    """The area of ``kind`` whose address-table prefix is the longest covering ``address``;
    None when no row covers it (never a guess)."""
    key = normalize_address(address or "")
    if not key:
        return None
    rows = (AddressArea.objects.filter(municipality=municipality, kind=kind,
                                       prefix_key__in=prefixes_of(key))
            .select_related("area").order_by("-prefix_key"))
    best = max((r for r in rows if covers(r.prefix_key, key)),
               key=lambda r: len(r.prefix_key), default=None)
    return best.area if best else None


class AddressTable:
    """The whole address table of one tenant in memory, for deriving many areas at once
    (imports, the 未設定 list, re-deriving after the table changed)."""

    def __init__(self, municipality: Any) -> None:
        self._by_kind: dict[str, dict[str, Area]] = {}
        for row in AddressArea.objects.filter(municipality=municipality).select_related("area"):
            self._by_kind.setdefault(row.kind, {})[row.prefix_key] = row.area

    def lookup(self, address: str, kind: str = AreaKind.DAILY_LIFE_AREA) -> Area | None:
        """Same answer as :func:`area_for_address`, without a query."""
        return self.lookup_key(normalize_address(address or ""), kind)

    def lookup_key(self, address_key: str,
                   kind: str = AreaKind.DAILY_LIFE_AREA) -> Area | None:
        """Like :meth:`lookup` for an already normalised address key."""
        table = self._by_kind.get(kind, {})
        if not address_key:
            return None
        for candidate in prefixes_of(address_key):
            area = table.get(candidate)
            if area is not None and covers(candidate, address_key):
                return area
        return None

    def uncovered(self, addresses: Iterable[str],
                  kind: str = AreaKind.DAILY_LIFE_AREA) -> list[str]:
        """The addresses (non-empty) that no row of ``kind`` covers."""
        return [a for a in addresses if a and self.lookup(a, kind) is None]


def address_rows(municipality: Any) -> QuerySet[AddressArea]:
    return (AddressArea.objects.filter(municipality=municipality)
            .select_related("area").order_by("prefix_key", "kind"))


def address_count(municipality: Any) -> int:
    """How many address-table rows the tenant has."""
    return AddressArea.objects.filter(municipality=municipality).count()


def address_row(municipality: Any, row_id: int) -> AddressArea | None:
    """One of the tenant's address-table rows; None for another tenant's or a missing id."""
    return AddressArea.objects.filter(municipality=municipality, pk=row_id).first()
