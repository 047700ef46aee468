"""Persons' addresses for the 未設定 list of areas (``areas.coverage.SOURCES``).

The 事務局 fixes the address table but is not a case role: it sees no names, only the
町丁目 part of the uncovered addresses with a count of persons (閲覧制限 persons included in
the count, their addresses never shown beyond the 町丁目 either).
"""

from __future__ import annotations

import re
from collections import Counter

from kasane.areas.coverage import SOURCES, Uncovered
from kasane.areas.selectors import AddressTable

from .models import Person

_BLOCK = re.compile(r"^(.*?\d+)(?:-.*)?$")  # 重ね市西町2-4-5 → 重ね市西町2


def _town(address_key: str) -> str:
    m = _BLOCK.match(address_key)
    return f"{m.group(1)}丁目付近" if m else address_key


def persons_uncovered(municipality_id: int, table: AddressTable) -> list[Uncovered]:
    """Uncovered persons' addresses counted per 町丁目, most first."""
    keys = Person.objects.filter(municipality_id=municipality_id).exclude(address_key="") \
        .values_list("address_key", flat=True).iterator(chunk_size=5000)
    towns = Counter(_town(k) for k in keys if table.lookup_key(k) is None)
    return [Uncovered(label="本人", address=town, count=n) for town, n in towns.most_common()]


SOURCES.add("persons", persons_uncovered)
