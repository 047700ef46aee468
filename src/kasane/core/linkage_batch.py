"""Batch 名寄せ over many records: features, blocking, pair scoring, explanations.

Called through ``kasane.core.linkage.candidate_pairs``; see docs/matching.md for the design.
``run(engine="arrays")`` (the default) derives the features column by column
(``feature_columns``) and turns them into integer codes (``linkage_codes``) — on forked
workers by chunks of records when ``workers`` > 1, each chunk coded in its worker and only
the distinct values merged — and leaves blocking and scoring to ``linkage_vector`` and the
explanations to ``linkage_explain`` (numpy). ``engine="python"`` is the pure-Python
reference the tests compare it with, in these steps, each linear in the number of records
except the pair loop:

1. derive features and blocking keys of every record (normalizers are memoized);
2. group record indexes by key, per key kind; blocks larger than ``max_block`` are skipped;
3. score every pair inside a block, unless the two records already share a key of an
   earlier kind (so each pair is scored once without a global "seen" set);
4. keep pairs at or above the threshold and explain them.

With ``workers`` > 1 the reference's steps run in forked processes: step 1 by chunks of
records, sending its results back *columnar* — one string per feature column, joined with a
separator that normalization never leaves in a key (``\\x1f`` is whitespace to
``str.split``) — instead of millions of pickled tuples; steps 2 and 3 by hash partitions of
the keys, each child sending back only its pairs at or above the threshold. Same pairs as
one process, but on two shared cores it costs ≈ 1.8× the CPU (copy-on-write, caches warmed
per child): see docs/matching.md, "Batch run".
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import Counter
from collections.abc import Sequence
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np

from kasane.core import linkage as lk
from kasane.core.linkage import _is_kana_key
from kasane.core.linkage_address import address_parts
from kasane.core.linkage_codes import HH_SEP, Coded, code, household_names, merge
from kasane.core.linkage_score import TermWeights, score_fast
from kasane.core.text import normalize_kana, normalize_name, normalize_phone

_STATE: dict[str, object] = {}  # read by forked children
PARALLEL_MIN_RECORDS = 50_000  # below this, deriving features in workers costs more than it saves
_SEP = "\x1f"  # unit separator: whitespace for str.split, so never inside a normalized key
_N_FEATURES = 10


def _prepare(records: Sequence[lk.PersonRecord], *, keys: bool = True
             ) -> tuple[list[lk.Features], list[tuple[str, ...]], dict[str, int]]:
    """Features, blocking keys ("" = none; none at all unless ``keys``) and name-key counts
    of ``records``."""
    features = lk.features
    feats = [features(r) for r in records]
    key_rows = list(map(lk._keys_of, feats)) if keys else []
    counts = _name_counts([list(map(itemgetter(c), feats)) for c in range(lk.F_HH)])
    return feats, key_rows, counts


def _name_counts(columns: Sequence[Sequence[object]]) -> dict[str, int]:
    """The keys of ``linkage._tf_keys`` counted column by column (in C, ``Counter``)."""
    counts: dict[str, int] = {}
    for prefix, column in (("fk:", lk.F_FAMK), ("fj:", lk.F_FAM), ("gk:", lk.F_GIVK),
                           ("gj:", lk.F_GIV)):
        for value, count in Counter(columns[column]).items():
            if value:
                counts[f"{prefix}{value}"] = count
    return counts


# one getter per field: mapping each over the records is twice as fast as transposing
# tuples of all eight with zip(*...)
_RECORD_FIELDS = tuple(map(attrgetter, ("family_name", "given_name", "family_kana",
                                         "given_kana", "birth_date", "phone", "address",
                                         "household")))


def _phone(s: str) -> str:
    digits = normalize_phone(s) if s else ""
    return digits if len(digits) >= 9 else ""


# Characters a phone number is written with, each mapped to what ``normalize_phone`` keeps of
# it alone (its ASCII digit, or nothing). A string of these only is NFKC-normalized character
# by character (none composes with another), so translating it equals ``normalize_phone``
# when nothing but ASCII digits is left; anything else takes ``normalize_phone``.
_PHONE_CHARS = str.maketrans({
    **{c: None for c in " \u3000-‐‑‒–—―ー−﹣－ｰ()（）[]［］.．,，/／+＋#＃*＊~〜～:："},
    **dict(zip("０１２３４５６７８９", "0123456789", strict=True)),
})


def _phones(values: Sequence[str]) -> list[str]:
    """``_phone`` of each value (through ``_PHONE_CHARS`` where that suffices)."""
    out: list[str] = []
    append = out.append
    table = _PHONE_CHARS
    for value in values:
        digits = value.translate(table)
        if not (digits.isascii() and digits.isdigit()):
            digits = normalize_phone(value) if value else ""
        append(digits if len(digits) >= 9 else "")
    return out


def _name_parts(names: Sequence[str], kanas: Sequence[str], memo: dict[str, str],
                kana_memo: dict[str, str]) -> tuple[Sequence[str], Sequence[str]]:
    """``linkage._name_part`` of each (name, kana) as two columns: ``normalize_name`` /
    ``normalize_kana`` once per distinct string (``memo`` / ``kana_memo``), the rest once
    per distinct pair."""
    pairs = dict.fromkeys(zip(names, kanas, strict=True))
    for name, kana in pairs:
        fold = memo.get(name)
        if fold is None:
            fold = memo[name] = normalize_name(name) if name else ""
        reading = kana_memo.get(kana)
        if reading is None:
            reading = kana_memo[kana] = normalize_kana(kana) if kana else ""
        if fold and _is_kana_key(fold):
            pairs[name, kana] = (reading or fold, "")
        else:
            pairs[name, kana] = (reading, fold)
    readings, folds = zip(*map(pairs.__getitem__, zip(names, kanas, strict=True)), strict=True)
    return folds, readings


def _households(households: Sequence[tuple[str, ...]], memo: dict[str, str]
                ) -> list[tuple[str, ...]]:
    """``linkage._household_keys`` of each household, names normalized through ``memo``."""
    distinct: dict[tuple[str, ...], tuple[str, ...]] = {}
    for names in set(households):
        keys = set()
        for name in names:
            key = memo.get(name)
            if key is None:
                key = memo[name] = normalize_name(name) if name else ""
            keys.add(key)
        keys.discard("")
        distinct[names] = tuple(sorted(keys))
    return list(map(distinct.__getitem__, households))


def feature_columns(records: Sequence[lk.PersonRecord]) -> list[Sequence[Any]]:
    """``linkage.features`` of every record as ten columns (``list(zip(*columns))`` equals
    ``[features(r) for r in records]``; a test checks it): each normalizer runs once per
    distinct value of the batch (a dict, not the normalizers' LRU caches, which a million
    records overflow and whose bookkeeping then costs on every miss)."""
    if not records:
        return [() for _ in range(lk.F_HH + 1)]
    fam_n, giv_n, fam_k, giv_k, births, phones, addresses, households = (
        list(map(field, records)) for field in _RECORD_FIELDS)
    names: dict[str, str] = {}
    kanas: dict[str, str] = {}
    fam, famk = _name_parts(fam_n, fam_k, names, kanas)
    giv, givk = _name_parts(giv_n, giv_k, names, kanas)
    dates = {b: b.year * 10000 + b.month * 100 + b.day if b else 0 for b in set(births)}
    birth = list(map(dates.__getitem__, births))
    core, lot, chome = zip(*map(address_parts.__wrapped__, addresses), strict=True)
    hh = _households(households, names)
    return [fam, giv, famk, givk, birth, _phones(phones), core, lot, chome, hh]


def _prepare_chunk(bounds: tuple[int, int]) -> tuple[list[str], dict[str, int], list[str]]:
    """Step 1 in a worker: the columns of records[lo:hi] as joined strings, the name-key
    counts, and the keys held at least ``heavy_at`` times in this chunk (every key of an
    oversized block is one of those in some chunk; see ``_blank_oversized``)."""
    records = _STATE["records"]
    heavy_at = _STATE["heavy_at"]
    assert isinstance(records, Sequence) and isinstance(heavy_at, int)
    feats, keys, counts = _prepare(records[bounds[0]:bounds[1]])
    heavy: list[str] = []
    for col in zip(*keys, strict=True):
        counted = Counter(col)
        counted.pop("", None)
        if counted and counted.most_common(1)[0][1] >= heavy_at:
            heavy.extend(k for k, c in counted.items() if c >= heavy_at)
    columns = []
    for c, col in enumerate(zip(*feats, strict=True)):
        if c == lk.F_BIRTH:
            columns.append(_SEP.join(map(str, col)))
        elif c == lk.F_HH:
            columns.append(_SEP.join([HH_SEP.join(h) for h in col]))
        else:
            columns.append(_SEP.join(col))
    columns.extend(_SEP.join(col) for col in zip(*keys, strict=True))
    return columns, counts, heavy


def _decode(parts: list[tuple[list[str], dict[str, int], list[str]]]
            ) -> tuple[list[lk.Features], list[list[str]], dict[str, int]]:
    """Features, key columns and name-key counts from the chunks of ``_prepare_chunk``."""
    n_cols = _N_FEATURES + len(lk.KEY_KINDS)
    cols: list[list[str]] = [[] for _ in range(n_cols)]
    counts: dict[str, int] = {}
    for columns, chunk_counts, _ in parts:
        for c in range(n_cols):
            cols[c].extend(columns[c].split(_SEP))
        for k, v in chunk_counts.items():
            counts[k] = counts.get(k, 0) + v
    births: list[int] = list(map(int, cols[lk.F_BIRTH]))
    households = list(map(household_names, cols[lk.F_HH]))
    feature_cols: list[list] = list(cols[:_N_FEATURES])
    feature_cols[lk.F_BIRTH] = births
    feature_cols[lk.F_HH] = households
    feats = list(zip(*feature_cols, strict=True))
    return feats, cols[_N_FEATURES:], counts


def _score_blocks(part: tuple[int, int]) -> list[tuple[int, int, float]]:
    """Score the blocks in ``_STATE["blocks"]`` with index ≡ part[0] (mod part[1]); return
    the pairs ≥ threshold as (index, index, score)."""
    feats = _STATE["feats"]
    keys = _STATE["keys"]
    blocks = _STATE["blocks"]
    threshold = _STATE["threshold"]
    weights = _STATE["weights"]
    assert isinstance(weights, TermWeights)
    assert isinstance(feats, list) and isinstance(keys, list) and isinstance(blocks, list)
    assert isinstance(threshold, float)
    score = score_fast
    out: list[tuple[int, int, float]] = []
    append = out.append
    for slot, members in blocks[part[0]::part[1]]:
        n = len(members)
        for x in range(n - 1):
            i = members[x]
            ki = keys[i]
            fi = feats[i]
            for y in range(x + 1, n):
                j = members[y]
                if slot:
                    kj = keys[j]
                    for s in range(slot):
                        k = ki[s]
                        if k and k == kj[s]:
                            break
                    else:
                        s = -1
                    if s >= 0:
                        continue  # compared in the block of an earlier key kind
                sc = score(fi, feats[j], weights, threshold)
                if sc >= threshold:
                    append((i, j, sc))
    return out


def _block_partition(part: tuple[int, int]) -> list[tuple[int, int, float]]:
    """Steps 2 and 3 in a worker: the blocks whose key hashes to part[0] (mod part[1]), in
    every key kind, and their pairs ≥ threshold. (Forked children share the string hash
    seed, so each key belongs to exactly one worker.)"""
    columns = _STATE["columns"]
    max_block = _STATE["max_block"]
    assert isinstance(columns, list) and isinstance(max_block, int)
    p, parts = part
    blocks: list[tuple[int, list[int]]] = []
    for slot, col in enumerate(columns):
        index: dict[str, list[int]] = {}
        get = index.get
        for i, key in enumerate(col):
            if key and hash(key) % parts == p:
                members = get(key)
                if members is None:
                    index[key] = [i]
                else:
                    members.append(i)
        blocks.extend((slot, m) for m in index.values() if 1 < len(m) <= max_block)
        del index
    _STATE["blocks"] = blocks
    return _score_blocks((0, 1))


def _blank_oversized(columns: list[list[str]], candidates: set[tuple[int, str]],
                     max_block: int) -> None:
    """Blank the keys of oversized blocks in the key columns. ``candidates`` holds every
    (kind, key) that may be oversized: a key in more than ``max_block`` records is in more
    than max_block / chunks records of some chunk, and each chunk reports those."""
    for slot, key in candidates:
        col = columns[slot]
        if col.count(key) > max_block:
            columns[slot] = ["" if k == key else k for k in col]


def _coded_chunk(bounds: tuple[int, int]) -> Coded:
    """The features of records[lo:hi] as codes (tables of the chunk's own, int32 codes), in a
    forked worker: only each column's distinct values and the codes go back to the parent."""
    records = _STATE["records"]
    assert isinstance(records, Sequence)
    return code(feature_columns(records[bounds[0]:bounds[1]]), np.int32)


def _coded(records: Sequence[lk.PersonRecord], workers: int) -> Coded:
    """The features of ``records`` as codes: on ``workers`` forked processes by chunks of
    records (merged), or in this process for a small batch or one worker."""
    if workers == 1 or len(records) < PARALLEL_MIN_RECORDS or not _can_fork():
        return code(feature_columns(records))
    _STATE.update(records=records)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # smaller chunks than one per worker: a worker that finishes early takes the next
            # (≈ 0.7 s less idle at 1M; the chunks come back in order)
            parts = pool.map(_coded_chunk, _chunks(len(records), workers * 4), chunksize=1)
    finally:
        _STATE.clear()
    return merge(parts)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _run_parallel(records: Sequence[lk.PersonRecord], *, threshold: float, workers: int,
                  max_block: int, frequencies: lk.NameFrequencies | None
                  ) -> tuple[list[lk.Features], list[tuple[int, int, float]],
                             lk.NameFrequencies]:
    """Steps 1–3 on ``workers`` forked processes: features by chunks of records, then blocks
    and pairs by partitions of the keys."""
    n = len(records)
    chunks = _chunks(n, workers * 4)
    _STATE.update(records=records, heavy_at=max(2, max_block // len(chunks)))
    fork = multiprocessing.get_context("fork")
    try:
        with fork.Pool(workers) as pool:
            parts = pool.map(_prepare_chunk, chunks)
    finally:
        _STATE.clear()
    candidates = {(slot, k) for _, _, heavy in parts for k in heavy
                  for slot in [lk.KEY_KINDS.index(k[:2])]}
    feats, columns, counts = _decode(parts)
    del parts
    _blank_oversized(columns, candidates, max_block)
    if frequencies is None:
        frequencies = lk.NameFrequencies(counts, n)
    _STATE.update(feats=feats, keys=list(zip(*columns, strict=True)), columns=columns,
                  max_block=max_block, threshold=float(threshold),
                  weights=TermWeights.of(frequencies))
    try:
        with fork.Pool(workers) as pool:
            found = [x for part in pool.map(_block_partition,
                                            [(p, workers) for p in range(workers)])
                     for x in part]
    finally:
        _STATE.clear()
    return feats, found, frequencies


def _chunks(n: int, parts: int) -> list[tuple[int, int]]:
    step = max(1, -(-n // parts))
    return [(lo, min(n, lo + step)) for lo in range(0, n, step)]


def _blocks(keys: list[tuple[str, ...]], max_block: int) -> list[tuple[int, list[int]]]:
    """Blocks (key kind, member indexes) of 2..max_block records. Keys of oversized blocks
    are blanked in ``keys`` (so no pair is skipped for sharing one)."""
    blocks: list[tuple[int, list[int]]] = []
    for slot, col in enumerate(zip(*keys, strict=True) if keys else ()):
        index: dict[str, list[int]] = {}
        get = index.get
        for i, key in enumerate(col):
            if key:
                members = get(key)
                if members is None:
                    index[key] = [i]
                else:
                    members.append(i)
        for members in index.values():
            if len(members) > max_block:
                for i in members:
                    ks = keys[i]
                    keys[i] = ks[:slot] + ("",) + ks[slot + 1:]
            elif len(members) > 1:
                blocks.append((slot, members))
        del index
    return blocks


def run(records: Sequence[lk.PersonRecord], *, threshold: float, workers: int,
        max_block: int, frequencies: lk.NameFrequencies | None,
        engine: str = "arrays") -> list[lk.ScoredPair]:
    """The batch run. ``engine`` "arrays" (default): steps 2 and 3 in numpy
    (``linkage_vector``); "python": the pure-Python reference (dict blocks, ``score_fast``
    per pair; forked processes when ``workers`` > 1). Both give the same pairs."""
    # Millions of small tuples: the cyclic GC would rescan them over and over for nothing
    # (nothing here makes reference cycles), so it is paused for the run.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(records, threshold=threshold, workers=workers, max_block=max_block,
                    frequencies=frequencies, engine=engine)
    finally:
        if enabled:
            gc.enable()


def _run(records: Sequence[lk.PersonRecord], *, threshold: float, workers: int,
         max_block: int, frequencies: lk.NameFrequencies | None,
         engine: str) -> list[lk.ScoredPair]:
    workers = max(1, min(workers, os.cpu_count() or 1))
    n = len(records)
    feats: Sequence[lk.Features]
    if engine == "arrays":
        from kasane.core.linkage_explain import explained
        from kasane.core.linkage_vector import scored_pairs

        coded = _coded(records, workers)
        if frequencies is None:
            frequencies = lk.NameFrequencies(coded.name_counts(), n)
        columns, tables, i, j, households = scored_pairs(
            coded, TermWeights.of(frequencies), threshold=float(threshold),
            max_block=max_block, workers=workers)
        pairs = explained(records, columns, tables, i, j, households, workers)
        pairs.sort(key=lambda p: -p.score)
        return pairs
    if workers > 1 and n >= PARALLEL_MIN_RECORDS and _can_fork():
        feats, found, frequencies = _run_parallel(records, threshold=threshold,
                                                  workers=workers, max_block=max_block,
                                                  frequencies=frequencies)
    else:
        feats, keys, counts = _prepare(records)
        if frequencies is None:
            frequencies = lk.NameFrequencies(counts, n)
        blocks = _blocks(keys, max_block)
        _STATE.update(feats=feats, keys=keys, blocks=blocks, threshold=float(threshold),
                      weights=TermWeights.of(frequencies))
        try:
            found = _score_blocks((0, 1))
        finally:
            _STATE.clear()
    found.sort(key=lambda x: (-x[2], x[0], x[1]))  # the same order on any number of workers
    pairs = _explained(records, found, feats, frequencies, workers)
    pairs.sort(key=lambda p: -p.score)
    return pairs


PARALLEL_MIN_PAIRS = 20_000  # below this, explaining on forked workers costs more than it saves


def _explained(records: Sequence[lk.PersonRecord], found: list[tuple[int, int, float]],
               feats: Sequence[lk.Features], frequencies: lk.NameFrequencies,
               workers: int) -> list[lk.ScoredPair]:
    """Step 4 of the pure-Python reference: the pairs of ``found`` explained, in its order
    (``feats``: every record's features). Many pairs are explained on ``workers`` forked
    processes, by slices. (The arrays engine explains in arrays: ``linkage_explain``.)"""
    if not found:
        return []
    _STATE.update(records=records, found=found, feats=feats, frequencies=frequencies)
    try:
        if workers > 1 and len(found) >= PARALLEL_MIN_PAIRS and _can_fork():
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_explain_slice, _chunks(len(found), workers))
        else:
            parts = [_explain_slice((0, len(found)))]
    finally:
        _STATE.clear()
    out: list[lk.ScoredPair] = []
    for levels, rows in parts:  # the comparisons rebuilt here, once per distinct one
        comparisons = [lk._comparison(*level) for level in levels]
        get = comparisons.__getitem__
        out += [lk.ScoredPair(a, b, score, tuple(map(get, row))) for a, b, score, row in rows]
    return out


_Level = tuple[str, float, str]  # (level code, weight, note) of one comparison


def _explain_slice(bounds: tuple[int, int]
                   ) -> tuple[list[_Level], list[tuple[Any, Any, float, list[int]]]]:
    """``_explained`` for found[lo:hi] (from ``_STATE``), compact to send between processes:
    the distinct comparison levels, then per pair (id a, id b, score, its levels' indexes)."""
    records, found, feats, frequencies = (_STATE[k] for k in (
        "records", "found", "feats", "frequencies"))
    assert isinstance(records, Sequence) and isinstance(found, list)
    assert isinstance(frequencies, lk.NameFrequencies)
    assert isinstance(feats, Sequence)
    found = found[bounds[0]:bounds[1]]
    index: dict[_Level, int] = {}
    rounded: list[float] = []  # each level's weight as its Comparison holds it
    weights = lk._weights
    out = []
    for i, j, _ in found:
        levels = []
        for level in weights(feats[i], feats[j], frequencies):
            k = index.get(level)
            if k is None:
                k = index[level] = len(rounded)
                rounded.append(round(level[1], 2))
            levels.append(k)
        score = round(sum([rounded[k] for k in levels]), 2)  # as ``linkage._explain``
        out.append((records[i].id, records[j].id, score, levels))
    return list(index), out
