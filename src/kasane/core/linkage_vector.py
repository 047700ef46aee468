"""Steps 2 and 3 of the batch 名寄せ in arrays (numpy): blocks, candidate pairs, scores.

``linkage_batch`` derives the features of every record (step 1) and explains the pairs that
reach the threshold (step 4); this module does what lies between without a Python loop over
records or pairs:

- **Codes.** Every string feature arrives as an integer code (``linkage_codes``: equal
  strings, equal codes; the full names a table of their own), birth dates as integers
  yyyymmdd.
- **Blocks.** Each blocking key of ``linkage.KEY_KINDS`` is rebuilt from those codes as one
  int64 per record (-1 = none) that is equal for two records exactly when their key strings
  (``linkage._keys_of``) are; a stable argsort groups the records of a key, runs longer than
  ``max_block`` are skipped and their keys blanked, and the pairs inside the other runs are
  generated with ``numpy.repeat``. A pair that already shares a key of an earlier kind is
  dropped (scored once, as in the pure-Python path).
- **Scores.** The comparison levels of ``linkage._score`` over all pairs at once, added in the
  same order (so the sums are the same floats); Jaro–Winkler only where two kana readings
  differ, through ``rapidfuzz.process.cpdist`` on ``workers`` threads; the household
  comparison (sets of names) in Python, only for the few pairs that could still reach the
  threshold with it.

The result is the same list of (i, j, score) as the pure-Python path (``linkage_batch``'s
reference, a test compares both on generated registers).
"""

from __future__ import annotations

from itertools import chain, repeat
from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from kasane.core import linkage as lk
from kasane.core.linkage_codes import GROUPS, Coded

_W = lk._WEIGHT
_SHIFT = np.int64(1 << 32)


def _pack(high: np.ndarray, low: np.ndarray, valid: np.ndarray) -> np.ndarray:
    return np.where(valid, high * _SHIFT + low, -1)


class Columns:
    """The features of a batch as arrays (see the module docstring)."""

    def __init__(self, coded: Coded) -> None:
        self.coded = coded
        codes = coded.codes
        self.names = coded.tables["names"]  # the name parts, shared by kanji and kana
        self.fam, self.giv, self.famk, self.givk = (codes[k] for k in GROUPS["names"])
        self.birth = coded.birth
        self.phone = codes["phone"]
        self.addr, self.lot, self.chome = (codes[k] for k in GROUPS["place"])
        self.household = codes["hh"] != 0
        self.keys = self._keys(codes["kana_full"], codes["kanji_full"], coded.tables["place"])

    def _keys(self, kana_full: np.ndarray, kanji_full: np.ndarray,
              lots: list[str]) -> list[np.ndarray]:
        """One int64 array per kind of ``linkage.KEY_KINDS``, as ``linkage._keys_of``."""
        b = self.birth
        born = b != 0
        ym, year = b // 100, b // 10000
        m, d = ym % 100, b % 100
        md = np.where(d < m, d * 100 + m, m * 100 + d)
        has_kana = (self.famk != 0) & (self.givk != 0)
        has_kanji = (self.fam != 0) & (self.giv != 0)
        family = np.where(self.famk != 0, self.famk, self.fam)
        given = np.where(self.givk != 0, self.givk, self.giv)
        full = np.where(has_kana, kana_full, np.where(has_kanji, kanji_full, 0))
        lot_ok = np.zeros(len(lots), np.bool_)
        lot_ok[self.lot] = True  # the lots only (``lots`` also holds the cores); a mask, as
        used = np.flatnonzero(lot_ok).tolist()  # numpy 2's plain unique hashes (10× slower)
        lot_ok[used] = [bool(s) and s[-1].isdigit() for s in map(lots.__getitem__, used)]
        return [
            _pack(kana_full, ym, born & has_kana),
            _pack(kanji_full, ym, born & has_kanji),
            _pack(family, year * 10000 + md, born & (family != 0)),
            _pack(given, year * 10000 + md, born & (given != 0)),
            _pack(full, md, born & (full != 0)),
            np.where(self.phone != 0, self.phone, -1),
            np.where(lot_ok[self.lot], self.lot, -1),
        ]


def candidate_indexes(keys: list[np.ndarray], max_block: int) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) with i < j of every pair sharing a key, each once (in its first shared kind).

    Keys of blocks larger than ``max_block`` are blanked in ``keys`` (so a pair sharing only
    such a key may still meet in a later kind)."""
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    for slot, key in enumerate(keys):
        valid = np.flatnonzero(key >= 0)
        sorted_keys = key[valid]
        order = np.argsort(sorted_keys, kind="stable")
        members = valid[order]  # record indexes grouped by key, ascending within a key
        sorted_keys = sorted_keys[order]
        if not len(members):
            continue
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        lengths = np.diff(np.r_[starts, len(members)])
        block = np.repeat(np.arange(len(starts)), lengths)
        oversized = (lengths > max_block)[block]
        key[members[oversized]] = -1
        end = np.repeat(starts + lengths, lengths)
        ok = ((lengths >= 2) & (lengths <= max_block))[block]
        position = np.flatnonzero(ok)
        partners = end[position] - position - 1
        total = int(partners.sum())
        if not total:
            continue
        first = np.repeat(position, partners)
        offset = np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners)
        i, j = members[first], members[first + 1 + offset]
        keep = np.ones(total, np.bool_)
        for earlier in keys[:slot]:
            ki = earlier[i]
            keep &= (ki < 0) | (ki != earlier[j])
        found_i.append(i[keep])
        found_j.append(j[keep])
    if not found_i:
        empty = np.zeros(0, np.int64)
        return empty, empty
    return np.concatenate(found_i), np.concatenate(found_j)


def similar(names: list[str], a: np.ndarray, b: np.ndarray, workers: int) -> np.ndarray:
    """Jaro–Winkler ≥ ``KANA_SIMILAR`` of the name codes a[k], b[k]."""
    if not len(a):
        return np.zeros(0, np.bool_)
    sim = cpdist([names[x] for x in a.tolist()], [names[x] for x in b.tolist()],
                 scorer=JaroWinkler.normalized_similarity, dtype=np.float64,
                 workers=workers)
    return sim >= lk.KANA_SIMILAR


def _tf_table(names: list[str], weights: dict[str, float], default: float) -> np.ndarray:
    return np.fromiter(map(weights.get, names, repeat(default)), np.float64, len(names))


class TermTables:
    """``linkage_score.TermWeights`` as arrays indexed by name code."""

    def __init__(self, names: list[str], weights: object) -> None:
        """``names``: the name parts by code (``Columns.names[:Columns.parts]``)."""
        from kasane.core.linkage_score import TermWeights

        assert isinstance(weights, TermWeights)
        self.fk = _tf_table(names, weights.family_kana, _W["family.exact"])
        self.fj = _tf_table(names, weights.family_kanji, _W["family.exact"])
        self.gk = _tf_table(names, weights.given_kana, _W["given.exact"])
        self.gj = _tf_table(names, weights.given_kanji, _W["given.exact"])


NAME_LEVELS = ("missing", "exact", "kanji_kana_similar", "kana_kanji_differ", "kana_only",
               "kana_similar", "kanji_differ", "differ")
NAME_CONFLICTS = (5, 6, 7)  # カナ類似, 漢字相違, 不一致: the given names conflict
BIRTH_LEVELS = ("missing", "exact", "swap", "same_month", "differ", "year_off")
_BIRTH_WEIGHTS = np.array([_W[f"birth.{level}"] for level in BIRTH_LEVELS])


def name_levels(names: list[str], ka: np.ndarray, kb: np.ndarray, na: np.ndarray,
                nb: np.ndarray, workers: int) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's level of one name part as an index into ``NAME_LEVELS``
    (``linkage._name_level``; kanji codes ka/kb, kana codes na/nb, Jaro–Winkler only where
    the level depends on it), and whether both readings are there."""
    kana = (na != 0) & (nb != 0)
    kanji = (ka != 0) & (kb != 0)
    kana_eq = kana & (na == nb)
    kanji_eq = kanji & (ka == kb)
    sim = np.zeros(len(ka), np.bool_)
    fuzzy = np.flatnonzero(kana & ~kanji_eq & ~kana_eq)
    sim[fuzzy] = similar(names, na[fuzzy], nb[fuzzy], workers)
    level = np.select(
        [~kanji & ~kana, kanji_eq & (kana_eq | ~kana), kanji_eq, kana_eq & kanji, kana_eq,
         sim, ~kana],
        np.arange(7), len(NAME_LEVELS) - 1)
    return level, kana


def name_weights(part: str, level: np.ndarray, kana: np.ndarray, ka: np.ndarray,
                 na: np.ndarray, tf_kana: np.ndarray, tf_kanji: np.ndarray) -> np.ndarray:
    """The weight of each name level (``part``: family or given); an exact name weighs by
    its term frequency — the reading's when both readings are there, else the kanji's (as
    ``linkage._tf_key``)."""
    weight = np.array([_W[f"{part}.{name}"] for name in NAME_LEVELS])[level]
    exact = level == 1
    weight[exact] = np.where(kana, tf_kana[na], tf_kanji[ka])[exact]
    return weight


class NamePart(NamedTuple):
    """One name part compared over pairs: level (index into ``NAME_LEVELS``), whether both
    readings are there, weight, and the first records' kanji and kana codes."""

    level: np.ndarray
    both_kana: np.ndarray
    weight: np.ndarray
    kanji: np.ndarray
    kana: np.ndarray


def name_part(part: str, c: Columns, i: np.ndarray, j: np.ndarray, tables: TermTables,
              workers: int) -> NamePart:
    """``part`` (family or given) of the pairs (i[k], j[k]): ``name_levels`` and
    ``name_weights`` over the part's codes and term-frequency tables."""
    family = part == "family"
    kanji, kana = (c.fam, c.famk) if family else (c.giv, c.givk)
    tf_kana, tf_kanji = (tables.fk, tables.fj) if family else (tables.gk, tables.gj)
    ka, na = kanji[i], kana[i]
    level, both = name_levels(c.names, ka, kanji[j], na, kana[j], workers)
    return NamePart(level, both, name_weights(part, level, both, ka, na, tf_kana, tf_kanji),
                    ka, na)


def birth_levels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Each pair's birth-date level as an index into ``BIRTH_LEVELS`` (``linkage._birth_level``;
    dates as integers yyyymmdd, 0 = unknown)."""
    ya, yb = a // 10000, b // 10000
    ma, mb, da, db = a // 100 % 100, b // 100 % 100, a % 100, b % 100
    same_year = ya == yb
    return np.select(
        [(a == 0) | (b == 0), a == b, same_year & (ma == db) & (da == mb),
         same_year & (ma == mb), same_year, (np.abs(ya - yb) == 1) & (a % 10000 == b % 10000)],
        np.arange(6), 4)


def score(c: Columns, i: np.ndarray, j: np.ndarray, tables: TermTables, cutoff: float,
          workers: int) -> tuple[np.ndarray, np.ndarray]:
    """``linkage._score(features[i], features[j], tf)`` of every pair that reaches ``cutoff``
    (the same floats: the terms are added in the same order); pairs below ``cutoff`` get a
    value below it. Also each pair's household level (``linkage._household_level``; 3 =
    missing) wherever a record lists a household and the pair may reach ``cutoff``."""
    total = name_part("family", c, i, j, tables, workers).weight
    given = name_part("given", c, i, j, tables, workers)
    total += given.weight
    conflict = np.isin(given.level, NAME_CONFLICTS)
    total += _BIRTH_WEIGHTS[birth_levels(c.birth[i], c.birth[j])]
    pa, pb = c.phone[i], c.phone[j]
    phone = (pa != 0) & (pb != 0)
    total += np.where(phone & (pa != pb), _W["phone.differ"],
                      np.where(phone & ~conflict, _W["phone.exact"], 0.0))
    aa, ab = c.addr[i], c.addr[j]
    x = np.select([aa == ab, c.lot[i] == c.lot[j], c.chome[i] == c.chome[j]],
                  [_W["address.exact"], _W["address.same_lot"], _W["address.same_chome"]],
                  _W["address.differ"])
    total += np.where((aa != 0) & (ab != 0) & ~(conflict & (x > 0)), x, 0.0)
    # household: in Python, for pairs that could still reach the cutoff with it
    reach = total + np.where(conflict, 0.0, _W["household.overlap"]) >= cutoff
    hh = np.flatnonzero((c.household[i] | c.household[j]) & reach)
    levels = np.full(len(i), 3, np.int8)
    levels[hh] = _household_levels(c, i[hh], j[hh])
    weight = np.array([*lk._W_HOUSEHOLD, 0.0])[levels]
    total += np.where(conflict & (weight > 0), 0.0, weight)
    return total, levels


def _household_levels(c: Columns, i: np.ndarray, j: np.ndarray) -> list[int]:
    """``linkage._household_level`` of each pair (i[k], j[k]) (sets of names, in Python)."""
    ia, ib = i.tolist(), j.tolist()
    rows = c.coded.rows(chain(ia, ib))
    level_of = lk._household_level
    hh = lk.F_HH
    return [level_of(rows[a][hh], rows[b][hh], rows[a], rows[b])
            for a, b in zip(ia, ib, strict=True)]


def scored_pairs(coded: Coded, weights: object, *, threshold: float, max_block: int,
                 workers: int) -> tuple[Columns, TermTables, np.ndarray, np.ndarray, np.ndarray]:
    """Steps 2 and 3: the batch's columns and term-frequency tables; the pairs (i, j) at or
    above ``threshold``, best first (ties by i, then j), and their household levels (see
    ``score``). ``coded``: the batch's features as codes (``linkage_codes``)."""
    c = Columns(coded)
    tables = TermTables(c.names, weights)
    i, j = candidate_indexes(c.keys, max_block)
    if not len(i):
        return c, tables, i, j, np.zeros(0, np.int8)
    total, households = score(c, i, j, tables, threshold, workers)
    keep = np.flatnonzero(total >= threshold)
    i, j, total, households = i[keep], j[keep], total[keep], households[keep]
    order = np.lexsort((j, i, -total))
    return c, tables, i[order], j[order], households[order]
