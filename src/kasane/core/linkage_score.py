"""The batch hot path of 名寄せ: a pair's score without explanations, with early exits.

``score_fast(fa, fb, weights, cutoff)`` returns exactly ``linkage._score(fa, fb, tf)`` when
that is at least ``cutoff`` (a test checks it on generated data); below ``cutoff`` it may
return any value below ``cutoff``. It inlines the level logic of ``linkage._name_level`` /
``_birth_level``, looks term-frequency weights up in plain dicts (``TermWeights``), and stops
as soon as the pair cannot reach ``cutoff`` any more — most compared pairs are members of one
household whose given names differ, and those stop before the Jaro–Winkler call.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler

from kasane.core import linkage as lk

_W = lk._WEIGHT
_similarity = JaroWinkler.normalized_similarity
_SIMILAR = lk.KANA_SIMILAR

# family name levels
_F_EXACT = _W["family.exact"]
_F_KANJI_KANA_SIMILAR = _W["family.kanji_kana_similar"]
_F_KANA_ONLY = _W["family.kana_only"]
_F_KANA_KANJI_DIFFER = _W["family.kana_kanji_differ"]
_F_KANA_SIMILAR = _W["family.kana_similar"]
_F_KANJI_DIFFER = _W["family.kanji_differ"]
_F_DIFFER = _W["family.differ"]
_F_MISSING = _W["family.missing"]
# given name levels
_G_EXACT = _W["given.exact"]
_G_KANJI_KANA_SIMILAR = _W["given.kanji_kana_similar"]
_G_KANA_ONLY = _W["given.kana_only"]
_G_KANA_KANJI_DIFFER = _W["given.kana_kanji_differ"]
_G_KANA_SIMILAR = _W["given.kana_similar"]
_G_KANJI_DIFFER = _W["given.kanji_differ"]
_G_DIFFER = _W["given.differ"]
_G_MISSING = _W["given.missing"]
# birth date levels
_B_EXACT = _W["birth.exact"]
_B_SWAP = _W["birth.swap"]
_B_SAME_MONTH = _W["birth.same_month"]
_B_YEAR_OFF = _W["birth.year_off"]
_B_DIFFER = _W["birth.differ"]
_B_MISSING = _W["birth.missing"]
_B_MAX = max(_B_EXACT, _B_SWAP, _B_SAME_MONTH, _B_YEAR_OFF, _B_MISSING)
# the rest
_P_EXACT, _P_DIFFER = lk._W_PHONE
_A_EXACT, _A_LOT, _A_CHOME, _A_DIFFER = lk._W_ADDRESS
_H = lk._W_HOUSEHOLD
_MAX_REST = lk._MAX_REST


@dataclass(frozen=True, slots=True)
class TermWeights:
    """The exact-name weights of a ``NameFrequencies``, precomputed per key (kana/kanji)."""

    family_kana: dict[str, float]
    family_kanji: dict[str, float]
    given_kana: dict[str, float]
    given_kanji: dict[str, float]

    @classmethod
    def of(cls, tf: lk.NameFrequencies | None) -> TermWeights:
        tables: dict[str, dict[str, float]] = {"fk": {}, "fj": {}, "gk": {}, "gj": {}}
        if tf is not None:
            for key in tf.counts:
                table = tables.get(key[:2])
                if table is not None and key[2:3] == ":":
                    default = _F_EXACT if key[0] == "f" else _G_EXACT
                    table[key[3:]] = tf.weight(key, default)
        return cls(tables["fk"], tables["fj"], tables["gk"], tables["gj"])


def score_fast(fa: lk.Features, fb: lk.Features, weights: TermWeights,
               cutoff: float) -> float:
    """``linkage._score(fa, fb, tf)`` for pairs that reach ``cutoff`` (see module doc)."""
    # --- family name (氏) -----------------------------------------------------------------
    ka, kb, na, nb = fa[0], fb[0], fa[2], fb[2]
    if na and nb:
        if ka and kb and ka == kb:
            total = (weights.family_kana.get(na, _F_EXACT) if na == nb
                     else _F_KANJI_KANA_SIMILAR)
        elif na == nb:
            total = _F_KANA_KANJI_DIFFER if ka and kb else _F_KANA_ONLY
        elif _similarity(na, nb) >= _SIMILAR:
            total = _F_KANA_SIMILAR
        else:
            total = _F_DIFFER
    elif ka and kb:
        total = weights.family_kanji.get(ka, _F_EXACT) if ka == kb else _F_KANJI_DIFFER
    else:
        total = _F_MISSING
    # --- given name (名); "conflict": phone, address, household then count 0 -------------
    ka, kb, na, nb = fa[1], fb[1], fa[3], fb[3]
    conflict = False
    if na and nb:
        if ka and kb and ka == kb:
            total += (weights.given_kana.get(na, _G_EXACT) if na == nb
                      else _G_KANJI_KANA_SIMILAR)
        elif na == nb:
            total += _G_KANA_KANJI_DIFFER if ka and kb else _G_KANA_ONLY
        else:
            # kana_similar or differ: both a conflict, so at best +0.5 and a birth date
            conflict = True
            if total + _G_KANA_SIMILAR + _B_MAX < cutoff:
                return total + _G_KANA_SIMILAR + _B_MAX
            total += _G_KANA_SIMILAR if _similarity(na, nb) >= _SIMILAR else _G_DIFFER
    elif ka and kb:
        if ka == kb:
            total += weights.given_kanji.get(ka, _G_EXACT)
        else:
            conflict = True
            total += _G_KANJI_DIFFER
    else:
        total += _G_MISSING
    # --- birth date -----------------------------------------------------------------------
    a, b = fa[4], fb[4]
    if not a or not b:
        total += _B_MISSING
    elif a == b:
        total += _B_EXACT
    else:
        ya, yb = a // 10000, b // 10000
        if ya == yb:
            ma, da, mb, db = a // 100 % 100, a % 100, b // 100 % 100, b % 100
            if ma == db and da == mb:
                total += _B_SWAP
            elif ma == mb:
                total += _B_SAME_MONTH
            else:
                total += _B_DIFFER
        elif (ya - yb == 1 or yb - ya == 1) and a % 10000 == b % 10000:
            total += _B_YEAR_OFF
        else:
            total += _B_DIFFER
    if conflict:
        if total < cutoff:
            return total  # phone, address and household can only lower it now
    elif total + _MAX_REST < cutoff:
        return total
    # --- phone, address, household ------------------------------------------------------------
    pa, pb = fa[5], fb[5]
    if pa and pb:
        if pa != pb:
            total += _P_DIFFER
        elif not conflict:
            total += _P_EXACT
    aa, ab = fa[6], fb[6]
    if aa and ab:
        if aa == ab:
            x = _A_EXACT
        elif fa[7] == fb[7]:
            x = _A_LOT
        elif fa[8] == fb[8]:
            x = _A_CHOME
        else:
            x = _A_DIFFER
        if not (conflict and x > 0):
            total += x
    ha, hb = fa[9], fb[9]
    if ha or hb:
        level = lk._household_level(ha, hb, fa, fb)
        if level < 3:
            x = _H[level]
            if not (conflict and x > 0):
                total += x
    return total
