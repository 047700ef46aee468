"""Integer codes of a batch's features (step 2 of the batch 名寄せ), built where the features
are derived.

Every string feature becomes an integer code: one code table per group of columns that are
compared with each other (``GROUPS``; the empty value is code 0 in every table), so equal
strings get equal codes. The full names (family + given, kana and kanji) are a group of their
own: a blocking key holds a full name, and タカ+ハシヒロシ must get the same code as
タカハシ+ヒロシ, as the key strings of ``linkage._keys_of`` are equal. Birth dates stay
integers yyyymmdd.

Values are grouped by their 64-bit ``hash`` in numpy (sorting integers costs a fraction of
a dict insert per string on a million values), and every value that shares a hash with an
earlier one is compared with it, so a collision (never seen, but possible) falls back to a
dict and the codes stay exact. With several workers each forked process codes its chunk of
records with tables of its own (``code``) and sends back each table's values and hashes;
the parent only groups the chunks' distinct values (``merge``), and no whole string column
crosses a process boundary. The features of a record are rebuilt from the codes only for the
records a later step reads (``Coded.rows``).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np

from kasane.core import linkage as lk

HH_SEP = "\x1e"  # joins the household names of one record (normalization never leaves it)
_TABLE_SEP = "\x1f"  # joins a table's values for pickling (likewise)
GROUPS: dict[str, tuple[str, ...]] = {
    "names": ("fam", "giv", "famk", "givk"),
    "full": ("kana_full", "kanji_full"),
    "phone": ("phone",),
    "place": ("addr", "lot", "chome"),
    "household": ("hh",),
}
_FEATURE = {"fam": lk.F_FAM, "giv": lk.F_GIV, "famk": lk.F_FAMK, "givk": lk.F_GIVK,
            "phone": lk.F_PHONE, "addr": lk.F_ADDR, "lot": lk.F_LOT, "chome": lk.F_CHOME}
_ROW = ("fam", "giv", "famk", "givk", "birth", "phone", "addr", "lot", "chome", "hh")
_TF = (("fk:", "famk"), ("fj:", "fam"), ("gk:", "givk"), ("gj:", "giv"))


@dataclass
class Coded:
    """A batch's features as codes: ``tables[group]`` holds the values by code, ``codes``
    one array per column of ``GROUPS``; ``birth`` the birth dates (0 = none)."""

    birth: np.ndarray
    tables: dict[str, list[str]]
    codes: dict[str, np.ndarray]
    hashes: dict[str, np.ndarray] = field(default_factory=dict)  # of each table's values

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (from a worker to the parent) with each table as one joined string: a few
        C calls instead of one object per value — a third of the time for a chunk of 150,000
        records. A table whose values hold the separator (normalization never leaves it: it
        is whitespace) stays a list."""
        state = dict(self.__dict__)
        joined = {}
        for group, values in self.tables.items():
            text = _TABLE_SEP.join(values)
            joined[group] = text if text.count(_TABLE_SEP) == len(values) - 1 else values
        state["tables"] = joined
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["tables"] = {group: text.split(_TABLE_SEP) if isinstance(text, str) else text
                           for group, text in state["tables"].items()}
        self.__dict__.update(state)

    def rows(self, indexes: Iterable[int]) -> dict[int, lk.Features]:
        """``linkage.features`` of the records at ``indexes`` (rebuilt from the codes)."""
        idx = np.sort(np.fromiter(indexes, np.int64))
        idx = idx[np.r_[True, idx[1:] != idx[:-1]]] if len(idx) else idx  # numpy 2's
        # plain ``unique`` hashes, ~10× slower than this sort on a million integers
        columns: list[Iterable[Any]] = []
        for name in _ROW:
            if name == "birth":
                columns.append(self.birth[idx].tolist())
                continue
            values = self.tables[_group_of(name)]
            column = map(values.__getitem__, self.codes[name][idx].tolist())
            columns.append(map(household_names, column) if name == "hh" else column)
        return dict(zip(idx.tolist(), zip(*columns, strict=True), strict=True))

    def name_counts(self) -> dict[str, int]:
        """The keys of ``linkage._tf_keys`` counted over the batch (as ``NameFrequencies``
        takes them)."""
        names = self.tables["names"]
        counts: dict[str, int] = {}
        for prefix, column in _TF:
            per_code = np.bincount(self.codes[column], minlength=len(names))
            for k in np.flatnonzero(per_code[1:]).tolist():
                counts[prefix + names[k + 1]] = int(per_code[k + 1])
        return counts


def _group_of(column: str) -> str:
    return next(g for g, cols in GROUPS.items() if column in cols)


def household_names(joined: str) -> tuple[str, ...]:
    """The household names of one record from their ``HH_SEP``-joined string."""
    return tuple(joined.split(HH_SEP)) if joined else ()


def _first_codes(values: list[str], hashes: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``values``, the index of the first value equal to it; and each value's
    hash (``hashes`` if given). Grouped by hash, then every value that shares its hash with
    an earlier one is compared with that one: should two different strings ever share a
    hash, a dict does the grouping instead, so the result is exact either way."""
    if hashes is None:
        hashes = np.fromiter(map(_hash, values), np.int64, len(values))
    _, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    firsts = first[inverse.reshape(-1)]
    shared = np.flatnonzero(firsts != np.arange(len(values)))
    if not all(map(operator.eq, map(values.__getitem__, shared.tolist()),
                   map(values.__getitem__, firsts[shared].tolist()))):
        index: dict[str, int] = {}
        for i, v in enumerate(values):  # a hash collision: ~never, but never wrong
            index.setdefault(v, i)
        firsts = np.fromiter(map(index.__getitem__, values), np.int64, len(values))
    return firsts, hashes


# Forked workers share the parent's hash secret, so their hashes compare (tests replace it).
_hash = hash


# Groups whose values repeat a lot (a few tens of thousands of names in a million records):
# a small dict that stays in the CPU cache codes them faster than sorting their hashes.
_FEW = frozenset({"names"})


def _few_codes(columns: Sequence[Sequence[str]], dtype: type
               ) -> tuple[list[str], np.ndarray, list[np.ndarray]]:
    """``_codes`` through a dict (the same table, codes and hashes)."""
    table = list(dict.fromkeys(chain(("",), *columns)))
    get = dict(zip(table, range(len(table)), strict=True)).__getitem__
    hashes = np.fromiter(map(_hash, table), np.int64, len(table))
    return table, hashes, [np.fromiter(map(get, col), dtype, len(col)) for col in columns]


def _codes(columns: Sequence[Sequence[str]], dtype: type = np.int64
           ) -> tuple[list[str], np.ndarray, list[np.ndarray]]:
    """One code table over ``columns`` ("" = 0): its values by code (in order of first
    appearance), their hashes, and each column as codes."""
    values = ["", *chain.from_iterable(columns)]
    firsts, hashes = _first_codes(values)
    distinct = np.flatnonzero(firsts == np.arange(len(values)))  # first occurrences, in order
    code_of = np.zeros(len(values), np.int64)
    code_of[distinct] = np.arange(len(distinct))
    codes = code_of[firsts[1:]].astype(dtype)
    table = list(map(values.__getitem__, distinct.tolist()))
    bounds = np.cumsum([0, *map(len, columns)]).tolist()
    return table, hashes[distinct], [codes[lo:hi] for lo, hi in itertools.pairwise(bounds)]


def code(columns: Sequence[Sequence[Any]], dtype: type = np.int64) -> Coded:
    """The codes of ``columns`` (``linkage_batch.feature_columns``), codes of ``dtype``."""
    strings: dict[str, Sequence[str]] = {name: columns[f] for name, f in _FEATURE.items()}
    strings["kana_full"] = list(map(operator.add, strings["famk"], strings["givk"]))
    strings["kanji_full"] = list(map(operator.add, strings["fam"], strings["giv"]))
    strings["hh"] = list(map(HH_SEP.join, columns[lk.F_HH]))
    tables: dict[str, list[str]] = {}
    hashes: dict[str, np.ndarray] = {}
    codes: dict[str, np.ndarray] = {}
    for group, names in GROUPS.items():
        coder = _few_codes if group in _FEW else _codes
        tables[group], hashes[group], arrays = coder([strings[name] for name in names], dtype)
        codes.update(zip(names, arrays, strict=True))
    birth = np.fromiter(columns[lk.F_BIRTH], np.int64, len(columns[lk.F_BIRTH]))
    return Coded(birth, tables, codes, hashes)


def merge(parts: Sequence[Coded]) -> Coded:
    """The codes of the records of ``parts`` one after the other. Each group's table is the
    parts' tables one after the other (a value may stand there more than once: once per
    part); a value's code is the index of its first occurrence there, so only the parts'
    distinct values are grouped and no table is rebuilt."""
    if len(parts) == 1:
        only = parts[0]
        return Coded(only.birth, only.tables,
                     {k: v.astype(np.int64) for k, v in only.codes.items()}, only.hashes)
    tables: dict[str, list[str]] = {}
    codes: dict[str, np.ndarray] = {}
    for group, names in GROUPS.items():
        values = tables[group] = list(chain.from_iterable(p.tables[group] for p in parts))
        firsts, _ = _first_codes(values, np.concatenate([p.hashes[group] for p in parts]))
        bounds = np.cumsum([0, *(len(p.tables[group]) for p in parts)]).tolist()
        for name in names:
            codes[name] = np.concatenate([
                firsts[lo:hi][p.codes[name]]
                for (lo, hi), p in zip(itertools.pairwise(bounds), parts, strict=True)])
    return Coded(np.concatenate([p.birth for p in parts]), tables, codes)
