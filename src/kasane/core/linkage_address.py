"""Address features for 名寄せ: (core, lot, chome) of an address, fast.

``address_parts_plain`` applies the rules (``kasane.core.text.normalize_address``, then the
都道府県 and 市 are dropped; *lot* = up to the last number of the 番地, *chome* = up to the
first number). ``address_parts`` gives the same result computed once per *shape* of address,
which is what a batch of a million records needs (see its docstring).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from operator import itemgetter
from typing import Any

from kasane.core.text import (
    _nfkc,  # the first step of normalize_address
    normalize_address,
)

__all__ = ["address_parts", "address_parts_plain"]

_PREFECTURE_RE = re.compile(r"^(?:東京都|北海道|京都府|大阪府|[^\d-]{2,3}?県)")
_CITY_RE = re.compile(r"^[^\d-]{1,6}?[市]")
_LOT_RE = re.compile(r"^(\D*\d+)(?:-\d+)*")  # group 1: the chome (up to the first number)


def address_parts_plain(s: str) -> tuple[str, str, str]:
    """(core, lot, chome): core drops 都道府県 and 市; lot = core up to the last number,
    chome = core up to the first."""
    if not s:
        return "", "", ""
    core = normalize_address(s)
    if "都" in core or "道" in core or "府" in core or "県" in core:  # else nothing to drop
        core = _PREFECTURE_RE.sub("", core)
    if "市" in core:
        core = _CITY_RE.sub("", core, count=1)
    lot = _LOT_RE.match(core)
    return (core, lot.group(), lot.group(1)) if lot else (core, core, core)


_KANJI_NUMERAL_RE = re.compile("[〇一二三四五六七八九十百千]")
_Shape = tuple[str, int, int, Callable[[str], Any]]


@lru_cache(maxsize=300_000)
def _shape_parts(shape: str) -> _Shape | None:
    """How to build ``address_parts_plain`` for every address of this *shape* (each ASCII digit
    replaced by "0"): (core as a %-format with one %s per digit, length of lot, length of
    chome, getter of the digits); None when normalization added or dropped a digit."""
    core, lot, chome = address_parts_plain(shape)
    positions = [i for i, c in enumerate(shape) if c == "0"]
    if core.count("0") != len(positions) or any(d in core for d in "123456789"):
        return None
    return (core.replace("%", "%%").replace("0", "%s"), len(lot), len(chome),
            itemgetter(*positions))


@lru_cache(maxsize=20_000)
def address_parts(s: str) -> tuple[str, str, str]:
    """``address_parts_plain(s)``, computed once per *shape*.

    The rules of ``normalize_address`` (and the 都道府県/市/lot/chome rules) ask whether a
    character is a digit, never which one, and never add, drop or reorder an ASCII digit
    unless a kanji numeral becomes digits. So after NFKC, the address with every digit
    replaced by "0" normalizes to the same string with each digit in the same place, and
    addresses share few shapes (本町0丁目00番0号), so most skip the regular expressions.
    Kanji numerals take the plain path; a test compares both paths.
    """
    if not s:
        return "", "", ""
    text = _nfkc(s)
    shape = (text.replace("1", "0").replace("2", "0").replace("3", "0").replace("4", "0")
             .replace("5", "0").replace("6", "0").replace("7", "0").replace("8", "0")
             .replace("9", "0"))  # faster than str.translate on non-ASCII text
    if "0" not in shape or _KANJI_NUMERAL_RE.search(text):
        return address_parts_plain(s)
    plan = _shape_parts(shape)
    if plan is None:
        return address_parts_plain(s)
    fmt, lot, chome = plan[0], plan[1], plan[2]
    core = fmt % plan[3](text)
    return core, core[:lot], core[:chome]
