"""Record linkage (名寄せ): find records that describe the same person. Python + rapidfuzz
(the batch run's blocking and scoring in numpy arrays: ``linkage_vector``).

Agencies register one person differently (髙橋/高橋, ｶﾀｶﾅ/ひらがな, 4月3日/3月4日, a new
address or phone). This module proposes pairs of records that probably are one person, with
a score and a Japanese explanation per comparison, for a coordinator to decide
(同一人物 / 別人). **It never merges anything itself.** See docs/matching.md.

Public API (stable; the people app builds on it):

- ``PersonRecord``: the input (plain values, no Django).
- ``block_keys(record) -> list[str]``: blocking keys; store them in indexed columns and
  match a new person against every stored person sharing one key.
- ``score_pair(a, b) -> ScoredPair``: Fellegi–Sunter match weight with explanations.
- ``candidate_pairs(records, *, threshold=THRESHOLD) -> list[ScoredPair]``: a batch run.
- ``cluster(pairs) -> list[set[id]]``: connected components of accepted pairs.

Weights are log2(m/u) per comparison level (``LEVELS``), measured on the synthetic
benchmark data (``./kasane bench match --fit``), rounded and cut where fields are not
independent; the score is their sum, with term-frequency weights for exact names and no
credit for household-shared fields when the given names conflict (docs/matching.md).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from math import log2

from rapidfuzz.distance import JaroWinkler

from kasane.core.linkage_address import address_parts as _address_parts
from kasane.core.linkage_cluster import cluster
from kasane.core.text import normalize_kana, normalize_name, normalize_phone

__all__ = [
    "HIGH",
    "LEVELS",
    "THRESHOLD",
    "Comparison",
    "NameFrequencies",
    "PersonRecord",
    "ScoredPair",
    "block_keys",
    "candidate_pairs",
    "cluster",
    "name_frequencies",
    "score_pair",
    "threshold_for",
]

THRESHOLD = 18.0
"""Pairs scoring at least this become candidates for a coordinator (要確認), in a register
of up to 100,000 persons; larger registers use ``threshold_for(n)``."""

HIGH = 28.0
"""Candidates scoring at least this are shown as 一致の可能性が高い. Still never merged alone."""

MAX_BLOCK = 300
"""Blocks with more records are skipped in batch runs (placeholder phones like 0000000000)."""

KANA_SIMILAR = 0.88
"""Jaro–Winkler similarity from which two kana readings count as 類似 (typo, 濁点 loss)."""


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One registration of a person, as an agency recorded it. Empty string = unknown.

    ``household`` lists the names of the *other* members of the person's household as
    recorded (any script; family name optional).
    """

    id: Hashable
    family_name: str = ""
    given_name: str = ""
    family_kana: str = ""
    given_kana: str = ""
    birth_date: date | None = None
    phone: str = ""
    address: str = ""
    household: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Comparison:
    """The outcome of one comparison: field label, level label (Japanese), weight."""

    field: str  # 氏 / 名 / 生年月日 / 電話番号 / 住所 / 世帯
    level: str  # code, e.g. "family.exact"
    label: str  # e.g. "漢字・カナとも一致（異体字を同一視）"
    weight: float


@dataclass(frozen=True, slots=True)
class ScoredPair:
    a: Hashable
    b: Hashable
    score: float
    comparisons: tuple[Comparison, ...] = field(default=(), compare=False)

    @property
    def band(self) -> str:
        """"high" (一致の可能性が高い), "review" (要確認) or "low" (候補にしない)."""
        if self.score >= HIGH:
            return "high"
        return "review" if self.score >= THRESHOLD else "low"

    @property
    def band_label(self) -> str:
        return {"high": "一致の可能性が高い", "review": "要確認", "low": "別人の可能性が高い"}[
            self.band]


# ---------------------------------------------------------------------------
# comparison levels: code → (field, Japanese label, weight = log2(m/u), rounded)
# ---------------------------------------------------------------------------

LEVELS: dict[str, tuple[str, str, float]] = {
    # names (family: 氏, given: 名). "kanji" compares 異体字-folded keys.
    "family.exact": ("氏", "漢字・カナとも一致", 6.5),
    "family.kanji_kana_similar": ("氏", "漢字一致・カナ類似", 7.5),
    "family.kana_only": ("氏", "カナ一致（漢字は片方不明）", 7.5),
    "family.kana_kanji_differ": ("氏", "カナ一致・漢字相違", 2.0),
    "family.kana_similar": ("氏", "カナ類似", 0.0),
    "family.kanji_differ": ("氏", "漢字相違（カナは片方不明）", -4.0),
    "family.differ": ("氏", "不一致", -7.0),
    "family.missing": ("氏", "比較できない（片方不明）", 0.0),
    "given.exact": ("名", "漢字・カナとも一致", 7.5),
    "given.kanji_kana_similar": ("名", "漢字一致・カナ類似", 8.0),
    "given.kana_only": ("名", "カナ一致（漢字は片方不明）", 8.0),
    "given.kana_kanji_differ": ("名", "カナ一致・漢字相違", 3.0),
    "given.kana_similar": ("名", "カナ類似", 0.5),
    "given.kanji_differ": ("名", "漢字相違（カナは片方不明）", -5.0),
    "given.differ": ("名", "漢字・カナとも不一致", -12.0),
    "given.missing": ("名", "比較できない（片方不明）", 0.0),
    # birth date
    "birth.exact": ("生年月日", "一致", 13.0),
    "birth.swap": ("生年月日", "月と日の入れ替わり", 9.0),
    "birth.same_month": ("生年月日", "年月一致・日が相違", 5.0),
    "birth.year_off": ("生年月日", "月日一致・年が1年違い", 8.0),
    "birth.differ": ("生年月日", "不一致", -10.0),
    "birth.missing": ("生年月日", "比較できない（片方不明）", 0.0),
    # phone
    "phone.exact": ("電話番号", "一致", 12.0),
    "phone.differ": ("電話番号", "不一致", -1.5),
    "phone.missing": ("電話番号", "比較できない（片方不明）", 0.0),
    # address
    "address.exact": ("住所", "一致", 11.0),
    "address.same_lot": ("住所", "番地まで一致（建物・部屋が相違）", 10.0),
    "address.same_chome": ("住所", "同じ丁目", 1.0),
    "address.differ": ("住所", "不一致", -2.5),
    "address.missing": ("住所", "比較できない（片方不明）", 0.0),
    # household members
    "household.listed": ("世帯", "相手が世帯員として記載されている（別人）", -20.0),
    "household.overlap": ("世帯", "世帯員の氏名が共通", 4.0),
    "household.differ": ("世帯", "世帯員が共通しない", -1.0),
    "household.missing": ("世帯", "比較できない", 0.0),
}


# ---------------------------------------------------------------------------
# features: everything a comparison needs, derived once per record
# ---------------------------------------------------------------------------

@lru_cache(maxsize=200_000)
def _name_key(s: str) -> str:
    return normalize_name(s) if s else ""


def _is_kana_key(s: str) -> bool:
    return all("\u30a1" <= c <= "\u30fa" for c in s)


@lru_cache(maxsize=200_000)
def _name_part(name: str, kana: str) -> tuple[str, str]:
    """(folded kanji key, kana key) of one name part; a name typed in kana is its reading."""
    fold = normalize_name(name) if name else ""
    reading = normalize_kana(kana) if kana else ""
    if fold and _is_kana_key(fold):
        reading = reading or fold
        fold = ""
    return fold, reading


@lru_cache(maxsize=50_000)
def _household_keys(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({k for k in (_name_key(n) for n in names) if k}))


# Positions in a feature tuple (plain tuples of str/int: fast to build, compare and pickle).
F_FAM, F_GIV, F_FAMK, F_GIVK, F_BIRTH, F_PHONE, F_ADDR, F_LOT, F_CHOME, F_HH = range(10)
Features = tuple


def features(r: PersonRecord) -> Features:
    """Derive the matching features of a record (normalized keys; see docs/matching.md).

    Birth dates become integers yyyymmdd (0 = unknown); phones keep ≥ 9 digits only.
    """
    fam, famk = _name_part(r.family_name, r.family_kana)
    giv, givk = _name_part(r.given_name, r.given_kana)
    b = r.birth_date
    phone = normalize_phone(r.phone) if r.phone else ""
    core, lot, chome = _address_parts(r.address)
    return (fam, giv, famk, givk, b.year * 10000 + b.month * 100 + b.day if b else 0,
            phone if len(phone) >= 9 else "", core, lot, chome,
            _household_keys(r.household) if r.household else ())


def _self_keys(f: Features) -> set[str]:
    """How the person of ``f`` may appear in someone else's household list."""
    fam, giv, famk, givk = f[F_FAM], f[F_GIV], f[F_FAMK], f[F_GIVK]
    return {k for k in (giv, givk, fam + giv if fam and giv else "",
                        famk + givk if famk and givk else "") if k}


def _household_level(ha: tuple[str, ...], hb: tuple[str, ...], fa: Features,
                     fb: Features) -> int:
    """0 = listed (one names the other), 1 = overlap, 2 = differ, 3 = missing."""
    if (ha and _self_keys(fb).intersection(ha)) or (hb and _self_keys(fa).intersection(hb)):
        return 0
    if ha and hb:
        return 1 if set(ha).intersection(hb) else 2
    return 3


# ---------------------------------------------------------------------------
# comparisons
# ---------------------------------------------------------------------------


def _name_level(prefix: str, ka: str, kb: str, na: str, nb: str) -> str:
    """Level of one name part from kanji keys ka/kb and kana keys na/nb."""
    kanji = bool(ka and kb)
    kana = bool(na and nb)
    if not kanji and not kana:
        return prefix + "missing"
    if kana:
        if na == nb:
            kana_level = 2
        elif JaroWinkler.normalized_similarity(na, nb) >= KANA_SIMILAR:
            kana_level = 1
        else:
            kana_level = 0
    else:
        kana_level = -1
    if kanji and ka == kb:
        if kana_level == 0:
            return prefix + "kanji_kana_similar"  # same kanji, different reading noted
        return prefix + ("kanji_kana_similar" if kana_level == 1 else "exact")
    if kana_level == 2:
        return prefix + ("kana_kanji_differ" if kanji else "kana_only")
    if kana_level == 1:
        return prefix + "kana_similar"
    if not kana:
        return prefix + "kanji_differ"  # a homophone (博/浩) cannot be ruled out
    return prefix + "differ"


def _birth_level(a: int, b: int) -> str:
    if not a or not b:
        return "birth.missing"
    if a == b:
        return "birth.exact"
    ya, yb = a // 10000, b // 10000
    if ya == yb:
        ma, da, mb, db = a // 100 % 100, a % 100, b // 100 % 100, b % 100
        if ma == db and da == mb:
            return "birth.swap"
        if ma == mb:
            return "birth.same_month"
        return "birth.differ"
    if abs(ya - yb) == 1 and a % 10000 == b % 10000:
        return "birth.year_off"
    return "birth.differ"


def _levels(fa: Features, fb: Features) -> list[str]:
    out = [
        _name_level("family.", fa[F_FAM], fb[F_FAM], fa[F_FAMK], fb[F_FAMK]),
        _name_level("given.", fa[F_GIV], fb[F_GIV], fa[F_GIVK], fb[F_GIVK]),
        _birth_level(fa[F_BIRTH], fb[F_BIRTH]),
    ]
    pa, pb = fa[F_PHONE], fb[F_PHONE]
    out.append("phone.missing" if not pa or not pb else
               "phone.exact" if pa == pb else "phone.differ")
    aa, ab = fa[F_ADDR], fb[F_ADDR]
    if not aa or not ab:
        out.append("address.missing")
    elif aa == ab:
        out.append("address.exact")
    elif fa[F_LOT] == fb[F_LOT]:
        out.append("address.same_lot")
    elif fa[F_CHOME] == fb[F_CHOME]:
        out.append("address.same_chome")
    else:
        out.append("address.differ")
    out.append(("household.listed", "household.overlap", "household.differ",
                "household.missing")[_household_level(fa[F_HH], fb[F_HH], fa, fb)])
    return out


_WEIGHT = {code: w for code, (_, _, w) in LEVELS.items()}
_GIVEN_CONFLICT = frozenset({"given.differ", "given.kanji_differ", "given.kana_similar"})
_HOUSEHOLD_NOTE = "（名が一致しないため、世帯で共通の情報として加点しない）"

M_NAME = 0.85
"""Share of true pairs whose name part agrees exactly (m of the *exact* levels, for TF)."""


class NameFrequencies:
    """How common each family / given name key is, for term-frequency adjusted weights.

    An exact agreement on 佐藤 says less than one on 勅使河原: with frequencies the weight of
    ``family.exact`` / ``given.exact`` becomes log2(M_NAME / share of records with that name),
    clipped to [3, 14]. ``candidate_pairs`` builds one from the batch; the people app can
    build one from counts of its stored keys (``name_frequencies`` or the constructor).
    """

    __slots__ = ("counts", "total")

    def __init__(self, counts: dict[str, int], total: int) -> None:
        self.counts = counts
        self.total = max(1, total)

    def weight(self, key: str, default: float) -> float:
        count = self.counts.get(key)
        if not count:
            return default
        return min(14.0, max(3.0, log2(M_NAME * self.total / count)))


def _tf_keys(f: Features) -> tuple[str, ...]:
    return tuple(k for k in (
        "fk:" + f[F_FAMK] if f[F_FAMK] else "", "fj:" + f[F_FAM] if f[F_FAM] else "",
        "gk:" + f[F_GIVK] if f[F_GIVK] else "", "gj:" + f[F_GIV] if f[F_GIV] else "") if k)


def name_frequencies(records: Iterable[PersonRecord]) -> NameFrequencies:
    """Count the name keys of ``records`` (see ``NameFrequencies``)."""
    counts: dict[str, int] = {}
    total = 0
    for r in records:
        total += 1
        for k in _tf_keys(features(r)):
            counts[k] = counts.get(k, 0) + 1
    return NameFrequencies(counts, total)


def _tf_key(part: str, fa: Features, fb: Features) -> str:
    kana, kanji = (F_FAMK, F_FAM) if part == "f" else (F_GIVK, F_GIV)
    if fa[kana] and fb[kana]:
        return f"{part}k:{fa[kana]}"
    return f"{part}j:{fa[kanji]}"


def _weights(fa: Features, fb: Features,
             tf: NameFrequencies | None) -> list[tuple[str, float, str]]:
    """(level code, effective weight, note) per comparison.

    Two adjustments to plain Fellegi–Sunter: names that agree exactly get term-frequency
    weights when ``tf`` is given; and when the given names conflict, agreement on phone,
    address or household scores 0, because those are shared by a household (twins, parent
    and child) and are not independent evidence about the person.
    """
    codes = _levels(fa, fb)
    conflict = codes[1] in _GIVEN_CONFLICT
    out = []
    for code in codes:
        w = _WEIGHT[code]
        note = ""
        if tf is not None and code == "family.exact":
            w = tf.weight(_tf_key("f", fa, fb), w)
        elif tf is not None and code == "given.exact":
            w = tf.weight(_tf_key("g", fa, fb), w)
        elif conflict and w > 0 and code[0] in "pah":  # phone / address / household
            w, note = 0.0, _HOUSEHOLD_NOTE
        out.append((code, w, note))
    return out


_W_PHONE = (_WEIGHT["phone.exact"], _WEIGHT["phone.differ"])
_W_ADDRESS = (_WEIGHT["address.exact"], _WEIGHT["address.same_lot"],
              _WEIGHT["address.same_chome"], _WEIGHT["address.differ"])
_W_HOUSEHOLD = (_WEIGHT["household.listed"], _WEIGHT["household.overlap"],
                _WEIGHT["household.differ"])
_MAX_REST = _W_PHONE[0] + _W_ADDRESS[0] + _W_HOUSEHOLD[1]


def _score(fa: Features, fb: Features, tf: NameFrequencies | None = None,
           cutoff: float = -1e9) -> float:
    """The batch hot path: the same sum as ``_weights`` without building explanations
    (a test checks both agree on generated data). When names and birth date alone leave the
    pair below ``cutoff`` even if phone, address and household all agreed, the partial sum
    is returned at once (it is below ``cutoff`` too)."""
    w = _WEIGHT
    fam = _name_level("family.", fa[F_FAM], fb[F_FAM], fa[F_FAMK], fb[F_FAMK])
    giv = _name_level("given.", fa[F_GIV], fb[F_GIV], fa[F_GIVK], fb[F_GIVK])
    if tf is not None and fam == "family.exact":
        total = tf.weight(_tf_key("f", fa, fb), w[fam])
    else:
        total = w[fam]
    if tf is not None and giv == "given.exact":
        total += tf.weight(_tf_key("g", fa, fb), w[giv])
    else:
        total += w[giv]
    total += w[_birth_level(fa[F_BIRTH], fb[F_BIRTH])]
    if total + _MAX_REST < cutoff:
        return total
    conflict = giv in _GIVEN_CONFLICT
    pa, pb = fa[F_PHONE], fb[F_PHONE]
    if pa and pb:
        if pa != pb:
            total += _W_PHONE[1]
        elif not conflict:
            total += _W_PHONE[0]
    aa, ab = fa[F_ADDR], fb[F_ADDR]
    if aa and ab:
        if aa == ab:
            x = _W_ADDRESS[0]
        elif fa[F_LOT] == fb[F_LOT]:
            x = _W_ADDRESS[1]
        elif fa[F_CHOME] == fb[F_CHOME]:
            x = _W_ADDRESS[2]
        else:
            x = _W_ADDRESS[3]
        total += 0.0 if conflict and x > 0 else x
    ha, hb = fa[F_HH], fb[F_HH]
    if ha or hb:
        level = _household_level(ha, hb, fa, fb)
        if level < 3:
            x = _W_HOUSEHOLD[level]
            total += 0.0 if conflict and x > 0 else x
    return total


_COMPARISONS: dict[tuple[str, float, str], Comparison] = {}


def _comparison(code: str, weight: float, note: str) -> Comparison:
    """Comparisons are immutable and repeat a lot in a batch: built once per (level,
    weight, note)."""
    key = (code, weight, note)
    c = _COMPARISONS.get(key)
    if c is None:
        if len(_COMPARISONS) > 100_000:  # term-frequency weights vary; stay bounded
            _COMPARISONS.clear()
        c = _COMPARISONS[key] = Comparison(LEVELS[code][0], code, LEVELS[code][1] + note,
                                           round(weight, 2))
    return c


def _explain(ida: Hashable, idb: Hashable, fa: Features, fb: Features,
             tf: NameFrequencies | None = None) -> ScoredPair:
    comps = tuple(_comparison(c, w, note) for c, w, note in _weights(fa, fb, tf))
    return ScoredPair(ida, idb, round(sum(c.weight for c in comps), 2), comps)


def score_pair(a: PersonRecord, b: PersonRecord, *,
               frequencies: NameFrequencies | None = None) -> ScoredPair:
    """Score two records; ``comparisons`` explains each field in Japanese for the review
    screen (e.g. 氏: 漢字・カナとも一致 +7.5, 生年月日: 月と日の入れ替わり +7.0).

    Without ``frequencies`` every exact name agreement weighs the same (``LEVELS``).
    """
    pair = _explain(a.id, b.id, features(a), features(b), frequencies)
    written = {"氏": (a.family_name, b.family_name), "名": (a.given_name, b.given_name)}
    comps = []
    for c in pair.comparisons:
        names = written.get(c.field)
        if (names and c.level.endswith(("exact", "kanji_kana_similar"))
                and all(names) and _plain(names[0]) != _plain(names[1])):
            c = Comparison(c.field, c.level, c.label + "（異体字を同一視）", c.weight)
        comps.append(c)
    return ScoredPair(pair.a, pair.b, pair.score, tuple(comps))


def _plain(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


# ---------------------------------------------------------------------------
# blocking
# ---------------------------------------------------------------------------

KEY_KINDS = ("kn", "kj", "bf", "bg", "km", "ph", "ad")
"""Blocking key kinds, in priority order (a pair is scored once, in its first shared kind):

kn: kana full name + birth year-month; kj: 異体字-folded kanji full name + birth year-month;
bf: birth date (month/day order-free) + family kana (or kanji); bg: the same + given name;
km: full name (kana, else kanji) + month/day order-free, any year (和暦 conversion slips);
ph: phone digits; ad: address up to the lot number (番地).
"""


def _keys_of(f: Features) -> tuple[str, ...]:
    """One key per kind in ``KEY_KINDS``; "" where the record has none of that kind."""
    birth = f[F_BIRTH]
    famk, givk, fam, giv = f[F_FAMK], f[F_GIVK], f[F_FAM], f[F_GIV]
    if birth:
        ym = birth // 100
        m, d = ym % 100, birth % 100
        md = f"{d:02d}{m:02d}" if d < m else f"{m:02d}{d:02d}"
        year = birth // 10000
        kana = famk + givk if famk and givk else ""
        kanji = fam + giv if fam and giv else ""
        kn = f"kn:{kana}:{ym}" if kana else ""
        kj = f"kj:{kanji}:{ym}" if kanji else ""
        bf = f"bf:{year}{md}:{famk or fam}" if famk or fam else ""
        bg = f"bg:{year}{md}:{givk or giv}" if givk or giv else ""
        km = f"km:{kana or kanji}:{md}" if kana or kanji else ""
    else:
        kn = kj = bf = bg = km = ""
    lot = f[F_LOT]
    return (kn, kj, bf, bg, km, "ph:" + f[F_PHONE] if f[F_PHONE] else "",
            "ad:" + lot if lot and lot[-1].isdigit() else "")


def block_keys(record: PersonRecord) -> list[str]:
    """The blocking keys of a record (at most one per kind in ``KEY_KINDS``).

    Two records are compared only when they share a key. The people app stores these in an
    indexed column (or a key table) and, for a new person, scores every stored person that
    shares a key (``score_pair``), skipping keys held by more than ``MAX_BLOCK`` persons.
    """
    return [k for k in _keys_of(features(record)) if k]


# ---------------------------------------------------------------------------
# batch run and clustering
# ---------------------------------------------------------------------------


THRESHOLD_SLOPE = 0.9
"""Points of threshold per doubling of the register above 100,000 persons (``threshold_for``)."""


def threshold_for(population: int) -> float:
    """The candidate threshold for a register of ``population`` persons.

    The prior odds that two records are one person fall as 1/N, while every person gets more
    namesakes who happen to agree on something else; so above 100,000 persons the threshold
    rises by ``THRESHOLD_SLOPE`` × log2(N / 100,000), rounded to 0.5: 300k → 19.5, 1M → 21.
    Fitted on generated data of seed 1 (best F1 at 18–18.5 / 20 / 21 for 100k / 300k / 1M)
    and checked on seed 2 (docs/matching.md). Less than the full log2 of plain
    Fellegi–Sunter, because the weights were rounded down where fields are not independent.
    """
    if population <= 100_000:
        return THRESHOLD
    return round((THRESHOLD + THRESHOLD_SLOPE * log2(population / 100_000)) * 2) / 2


def candidate_pairs(records: Sequence[PersonRecord], *, threshold: float | None = None,
                    workers: int = 1, max_block: int = MAX_BLOCK,
                    frequencies: NameFrequencies | None = None) -> list[ScoredPair]:
    """All pairs of ``records`` scoring at least ``threshold``, best first, with explanations.

    The default threshold is ``threshold_for(len(records))``.

    Name weights are term-frequency adjusted with ``frequencies``, by default counted over
    ``records`` themselves (pass one built from the whole register for a partial run).

    Blocking and scoring run in numpy arrays (``linkage_vector``). ``workers`` > 1 derives
    the features on that many forked processes (POSIX only; batch tasks, not a web request)
    and runs Jaro–Winkler on that many threads; the pairs are the same on any number
    (docs/matching.md, "Batch run"). Each pair is compared once even when it shares
    several keys.
    """
    from kasane.core.linkage_batch import run  # local: keeps the single-pair path light

    if threshold is None:
        threshold = threshold_for(len(records))
    return run(records, threshold=threshold, workers=workers, max_block=max_block,
               frequencies=frequencies)
