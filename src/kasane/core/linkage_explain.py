"""Step 4 of the batch 名寄せ in arrays: the explanations of the pairs that reached the
threshold, without calling ``linkage._weights`` per pair.

For every found pair the comparison of each field (氏, 名, 生年月日, 電話番号, 住所, 世帯) is
decided over all pairs at once, as ``linkage._levels`` / ``_weights`` decide it for one: its
level, its weight (term-frequency adjusted on exact names) and its note (phone, address and
household agreement count 0 when the given names conflict). The distinct (level, weight,
note) triples of a field become ``Comparison`` objects once (``linkage._comparison``), and a
pair's score is the sum of its comparisons' rounded weights, rounded, in the same order as
``linkage._explain``. The household level (sets of names) is decided in Python, only for
pairs where a record lists a household, while scoring (``linkage_vector.score``). A test compares the result with the pure-Python
reference, explanations included.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from operator import attrgetter

import numpy as np

from kasane.core import linkage as lk
from kasane.core.linkage_vector import (
    BIRTH_LEVELS,
    NAME_CONFLICTS,
    NAME_LEVELS,
    Columns,
    TermTables,
    birth_levels,
    name_part,
)

_W = lk._WEIGHT
_NOTE = lk._HOUSEHOLD_NOTE
_BIRTH = tuple(f"birth.{level}" for level in BIRTH_LEVELS)
_PHONE = ("phone.missing", "phone.exact", "phone.differ")
_ADDRESS = ("address.missing", "address.exact", "address.same_lot", "address.same_chome",
            "address.differ")
_HOUSEHOLD = ("household.listed", "household.overlap", "household.differ",
              "household.missing")
_Field = tuple[list[lk.Comparison], np.ndarray]  # distinct comparisons, each pair's index


def _name_field(part: str, c: Columns, i: np.ndarray, j: np.ndarray, tables: TermTables,
                workers: int) -> tuple[_Field, np.ndarray]:
    """The comparisons of one name part (``part``: family or given) and whether each is a
    conflict (不一致, 漢字相違 or カナ類似)."""
    p = name_part(part, c, i, j, tables, workers)
    # an exact level weighs by its name (kana or kanji): the name's code is in the key
    key = np.where(p.level == 1,
                   len(NAME_LEVELS) + 2 * np.where(p.both_kana, p.kana, p.kanji) + p.both_kana,
                   p.level)
    codes = [f"{part}.{name}" for name in NAME_LEVELS]
    field = _distinct(codes, p.level, p.weight, np.zeros(len(p.level), np.bool_), key)
    return field, np.isin(p.level, NAME_CONFLICTS)


def _field(codes: Sequence[str], level: np.ndarray, conflict: np.ndarray) -> _Field:
    """A field without term frequencies: positive weights count 0 on a conflict."""
    weight = np.array([_W[code] for code in codes])[level]
    zeroed = conflict & (weight > 0)
    weight[zeroed] = 0.0
    return _distinct(codes, level, weight, zeroed, level * 2 + zeroed)


def _distinct(codes: Sequence[str], level: np.ndarray, weight: np.ndarray,
              noted: np.ndarray, key: np.ndarray) -> _Field:
    """One ``Comparison`` per distinct (level, weight, note), and each pair's index into
    them. ``key``: an integer per pair, equal exactly when those three are."""
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    comparisons = [lk._comparison(codes[lv], w, _NOTE if n else "")
                   for lv, w, n in zip(level[first].tolist(), weight[first].tolist(),
                                       noted[first].tolist(), strict=True)]
    return comparisons, inverse.reshape(-1)


def explained(records: Sequence[lk.PersonRecord], c: Columns, tables: TermTables,
              i: np.ndarray, j: np.ndarray, households: np.ndarray,
              workers: int) -> list[lk.ScoredPair]:
    """The ``ScoredPair`` of each pair (records[i[k]], records[j[k]]), in that order: the
    same comparisons and score as ``linkage._explain`` with the batch's term frequencies.
    ``households``: each pair's household level (``linkage_vector.score``)."""
    if not len(i):
        return []
    family, _ = _name_field("family", c, i, j, tables, workers)
    given, conflict = _name_field("given", c, i, j, tables, workers)
    pa, pb = c.phone[i], c.phone[j]
    aa, ab = c.addr[i], c.addr[j]
    address = np.select(
        [(aa == 0) | (ab == 0), aa == ab, c.lot[i] == c.lot[j], c.chome[i] == c.chome[j]],
        np.arange(4), 4)
    fields = [
        family, given,
        _field(_BIRTH, birth_levels(c.birth[i], c.birth[j]), np.zeros(len(i), np.bool_)),
        _field(_PHONE, np.select([(pa == 0) | (pb == 0), pa == pb], [0, 1], 2), conflict),
        _field(_ADDRESS, address, conflict),
        _field(_HOUSEHOLD, households, conflict),
    ]
    total = np.zeros(len(i))
    for comparisons, index in fields:  # left to right, as sum() over the comparisons
        total += np.array([comp.weight for comp in comparisons])[index]
    scores = [round(x, 2) for x in total.tolist()]
    columns = [map(comparisons.__getitem__, index.tolist()) for comparisons, index in fields]
    ids: list[Hashable] = list(map(attrgetter("id"), map(records.__getitem__, i.tolist())))
    others = list(map(attrgetter("id"), map(records.__getitem__, j.tolist())))
    return list(map(lk.ScoredPair, ids, others, scores, zip(*columns, strict=True)))
