"""Batch 名寄せ over many records: blocking, pair scoring (optionally on several processes).

Called through ``kasane.core.linkage.candidate_pairs``; see docs/matching.md for the design.
The steps, each linear in the number of records except the pair loop:

1. derive features and blocking keys of every record (normalizers are memoized);
2. group record indexes by key, per key kind; blocks larger than ``max_block`` are skipped;
3. score every pair inside a block, unless the two records already share a key of an
   earlier kind (so each pair is scored once without a global "seen" set);
4. keep pairs at or above the threshold and explain them.

With ``workers`` > 1, steps 1 and 3 run in forked processes (copy-on-write: the children
read the parent's lists, only the results travel back).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Sequence

from kasane.core import linkage as lk

_STATE: dict[str, object] = {}  # read by forked children
PARALLEL_MIN_RECORDS = 50_000  # below this, deriving features in workers costs more than it saves
PARALLEL_MIN_BLOCKS = 20_000  # below this, forking for the pair loop is not worth it


def _features_chunk(bounds: tuple[int, int]) -> list[tuple[lk.Features, tuple[str | None, ...]]]:
    records = _STATE["records"]
    assert isinstance(records, Sequence)
    out = []
    for r in records[bounds[0]:bounds[1]]:
        f = lk.features(r)
        out.append((f, lk._keys_of(f)))
    return out


def _score_blocks(part: tuple[int, int]) -> list[tuple[int, int, float]]:
    """Score the blocks with index ≡ part[0] (mod part[1]); return pairs ≥ threshold."""
    feats = _STATE["feats"]
    keys = _STATE["keys"]
    blocks = _STATE["blocks"]
    oversized = _STATE["oversized"]
    threshold = _STATE["threshold"]
    tf = _STATE["tf"]
    assert isinstance(tf, lk.NameFrequencies)
    assert isinstance(feats, list) and isinstance(keys, list) and isinstance(blocks, list)
    assert isinstance(oversized, set) and isinstance(threshold, float)
    score = lk._score
    out: list[tuple[int, int, float]] = []
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
                        if k is not None and k == kj[s] and k not in oversized:
                            break
                    else:
                        s = -1
                    if s >= 0:
                        continue  # compared in the block of an earlier key kind
                sc = score(fi, feats[j], tf, threshold)
                if sc >= threshold:
                    out.append((i, j, sc))
    return out


def _pool(workers: int) -> multiprocessing.pool.Pool | None:
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork").Pool(workers)


def _chunks(n: int, parts: int) -> list[tuple[int, int]]:
    step = max(1, -(-n // parts))
    return [(lo, min(n, lo + step)) for lo in range(0, n, step)]


def run(records: Sequence[lk.PersonRecord], *, threshold: float, workers: int,
        max_block: int, frequencies: lk.NameFrequencies | None) -> list[lk.ScoredPair]:
    # Millions of small tuples: the cyclic GC would rescan them over and over for nothing
    # (nothing here makes reference cycles), so it is paused for the run.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(records, threshold=threshold, workers=workers, max_block=max_block,
                    frequencies=frequencies)
    finally:
        if enabled:
            gc.enable()


def _run(records: Sequence[lk.PersonRecord], *, threshold: float, workers: int,
         max_block: int, frequencies: lk.NameFrequencies | None) -> list[lk.ScoredPair]:
    workers = max(1, min(workers, os.cpu_count() or 1))
    n = len(records)
    # 1. features and keys
    if workers > 1 and n >= PARALLEL_MIN_RECORDS:
        _STATE["records"] = records
        pool = _pool(workers)
        try:
            if pool is None:
                prepared = _features_chunk((0, n))
            else:
                prepared = [x for part in pool.map(_features_chunk, _chunks(n, workers * 4))
                            for x in part]
        finally:
            if pool is not None:
                pool.close()
                pool.join()
            _STATE.clear()
        feats = [p[0] for p in prepared]
        keys = [p[1] for p in prepared]
        del prepared
    else:
        feats = [lk.features(r) for r in records]
        keys = [lk._keys_of(f) for f in feats]
    if frequencies is None:
        counts: dict[str, int] = {}
        for f in feats:
            for k in lk._tf_keys(f):
                counts[k] = counts.get(k, 0) + 1
        frequencies = lk.NameFrequencies(counts, n)
    # 2. blocks
    blocks: list[tuple[int, list[int]]] = []
    oversized: set[str] = set()
    for slot in range(len(lk.KEY_KINDS)):
        index: dict[str, list[int]] = {}
        for i, ks in enumerate(keys):
            key = ks[slot]
            if key is not None:
                members = index.get(key)
                if members is None:
                    index[key] = [i]
                else:
                    members.append(i)
        for key, members in index.items():
            if len(members) > max_block:
                oversized.add(key)
            elif len(members) > 1:
                blocks.append((slot, members))
        del index
    # 3. pairs
    _STATE.update(feats=feats, keys=keys, blocks=blocks, oversized=oversized,
                  threshold=float(threshold), tf=frequencies)
    try:
        pool = _pool(workers) if len(blocks) >= PARALLEL_MIN_BLOCKS else None
        if pool is None:
            found = _score_blocks((0, 1))
        else:
            parts = workers * 8
            try:
                found = [x for part in pool.map(_score_blocks, [(p, parts) for p in range(parts)])
                         for x in part]
            finally:
                pool.close()
                pool.join()
    finally:
        _STATE.clear()
    # 4. explain (few pairs)
    pairs = [lk._explain(records[i].id, records[j].id, feats[i], feats[j], frequencies)
             for i, j, _ in found]
    pairs.sort(key=lambda p: -p.score)
    return pairs
