"""Matching keys of the address table (pure functions, no database)."""

from __future__ import annotations

import re

from kasane.core.text import normalize_address

_TRAILING_CHOME = re.compile(r"(\d)丁目$")


def prefix_key(prefix: str) -> str:
    """The key of an address-table prefix: the address key with a trailing 丁目 dropped, so
    「重ね市本町一丁目」 → 「重ね市本町1」 covers 「重ね市本町1-4-5」 (whose key has no 丁目)."""
    return _TRAILING_CHOME.sub(r"\1", normalize_address(prefix.strip()))


def covers(key: str, address_key: str) -> bool:
    """Whether the prefix ``key`` covers ``address_key``: a prefix, and never one number cut
    in two (「本町1」 covers 「本町1-4」 and 「本町1丁目」, not 「本町12-3」)."""
    if not key or not address_key.startswith(key):
        return False
    rest = address_key[len(key):]
    return not (rest and key[-1].isdigit() and rest[0].isdigit())


def prefixes_of(address_key: str) -> list[str]:
    """Every candidate prefix key of ``address_key``, longest first (for one indexed query)."""
    return [address_key[:i] for i in range(len(address_key), 0, -1)]
