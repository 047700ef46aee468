"""``./kasane bench match --scale N [--json] [--seed S] [--workers W] [--no-splink] [--fit]``

Generates N persons (bench/persons.py), runs Kasane's 名寄せ engine (kasane.core.linkage) and
measures wall time and pairwise precision / recall / F1 against the known truth; then runs
the same records through Splink 5 (duckdb backend, EM-trained) as the baseline.

JSON lines (DESIGN.md §9): metrics f1, precision, recall, seconds; value = Kasane,
baseline = Splink (null with --no-splink or when Splink is not installed). Every line also
carries ``workers``, ``cpu_s`` (Kasane's CPU, forked workers included) and the 1-minute load
average when Kasane started (``load_avg``) and when Splink started (``load_avg_splink``).

``--fit`` instead prints the m/u probabilities of every comparison level measured on the
synthetic truth (m over all true pairs, u over random pairs) and log2(m/u): the evidence
behind the weights in ``kasane.core.linkage.LEVELS`` (see docs/matching.md).
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections import Counter

from bench._common import emit, parse_args, print_table
from bench.persons import Dataset, generate
from kasane.core import linkage

BENCH = "match"


def quality(predicted: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict[str, float]:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _pairs(found: list[tuple[int, int]]) -> set[tuple[int, int]]:
    return {(a, b) if a < b else (b, a) for a, b in found}


def _cpu() -> float:
    import resource

    own, children = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                      resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_kasane(data: Dataset, workers: int) -> tuple[float, float, set[tuple[int, int]]]:
    """(wall seconds, CPU seconds incl. worker processes, predicted pairs)."""
    c0, t0 = _cpu(), time.perf_counter()
    pairs = linkage.candidate_pairs(data.records, workers=workers)
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    return seconds, cpu, _pairs([(p.a, p.b) for p in pairs])  # type: ignore[misc]


def splink_table(data: Dataset):  # -> pyarrow.Table
    """The records with Kasane's normalized keys, as Splink input (bench/_splink_settings.py).

    Splink knows no Japanese, so it gets the same cleaning Kasane does (NFKC, kana folding,
    異体字, digits-only phones, addresses to the lot), the household members' name keys and
    the record's own (to see one listed in the other's household), and Kasane's blocking keys
    as columns — a key held by more than ``linkage.MAX_BLOCK`` records left empty, as Kasane
    skips it. This preparation is not counted in Splink's time."""
    import pyarrow as pa

    from bench._splink_settings import BLOCK_COLUMNS

    feats = [linkage.features(rec) for rec in data.records]
    keys = [linkage._keys_of(f) for f in feats]
    counts = Counter(k for row in keys for k in row if k)
    cols: dict[str, list] = {c: [] for c in (
        "unique_id", "family_name", "given_name", "family_kana", "given_kana", "full_kana",
        "birth_date", "phone", "address", "household", "self_keys", *BLOCK_COLUMNS)}
    for rec, f, row in zip(data.records, feats, keys, strict=True):
        birth = f[linkage.F_BIRTH]
        values = [rec.id, f[linkage.F_FAM], f[linkage.F_GIV], f[linkage.F_FAMK],
                  f[linkage.F_GIVK], f[linkage.F_FAMK] + f[linkage.F_GIVK],
                  f"{birth // 10000:04d}-{birth // 100 % 100:02d}-{birth % 100:02d}"
                  if birth else None, f[linkage.F_PHONE], f[linkage.F_LOT],
                  list(f[linkage.F_HH]), sorted(linkage._self_keys(f)),
                  *(k if k and counts[k] <= linkage.MAX_BLOCK else None for k in row)]
        for col, value in zip(cols, values, strict=True):
            cols[col].append(value if value != "" else None)
    return pa.table(cols)


SPLINK_THRESHOLDS = (0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999)


def run_splink(data: Dataset) -> tuple[float, float, set[tuple[int, int]]]:
    """Splink 5 on duckdb with the settings and training of bench/_splink_settings.py:
    (seconds, seconds of the untimed input preparation, predicted pairs).

    In Splink's favour: its input is pre-normalized (untimed: Kasane's normalization, one
    process; reported beside the figure as ``splink_prep_s``), and of the match-probability
    thresholds in ``SPLINK_THRESHOLDS`` the one with the best F1 against the truth is used.
    """
    import logging

    from splink import DuckDBAPI, Linker

    from bench import _splink_settings as splink_settings

    logging.getLogger("splink").setLevel(logging.ERROR)
    t_prep = time.perf_counter()
    table = splink_table(data)
    t0 = time.perf_counter()
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(table), splink_settings.settings(),
                    log_level=logging.ERROR)
    splink_settings.train(linker)
    predictions = linker.inference.predict(threshold_match_probability=SPLINK_THRESHOLDS[0])
    rows = predictions.as_duckdbpyrelation().select(
        "unique_id_l, unique_id_r, match_probability").fetchall()
    seconds = time.perf_counter() - t0
    truth = data.true_pairs()
    best: set[tuple[int, int]] = set()
    best_f1 = -1.0
    for threshold in SPLINK_THRESHOLDS:
        chosen = _pairs([(int(a), int(b)) for a, b, p in rows if p >= threshold])
        f1 = quality(chosen, truth)["f1"]
        if f1 > best_f1:
            best, best_f1 = chosen, f1
    return seconds, t0 - t_prep, best


def fit(data: Dataset, sample: int = 300_000, seed: int = 7) -> list[tuple[str, float, float]]:
    """(level, m, u) for every level, from the truth of ``data``."""
    feats = [linkage.features(r) for r in data.records]
    truth = data.true_pairs()
    m = Counter(c for a, b in truth for c in linkage._levels(feats[a], feats[b]))
    rng = random.Random(seed)
    n = len(feats)
    u: Counter[str] = Counter()
    drawn = 0
    while drawn < sample:
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b and data.truth[a] != data.truth[b]:
            u.update(linkage._levels(feats[a], feats[b]))
            drawn += 1
    return [(code, m[code] / len(truth), u[code] / sample) for code in linkage.LEVELS]


def main(argv: list[str]) -> int:
    args = parse_args(argv, {"scale": 20_000},
                      # both cores: the arrays engine forks only to derive features
                      # (about the same total CPU as one process) and runs Jaro–Winkler on
                      # two threads (docs/matching.md, "Batch run")
                      extra=[("--workers", int, 2)],
                      flags=["--no-splink", "--fit"],
                      description="名寄せ（重複候補の検出）の速さと精度を Splink と比べます。")
    t0 = time.perf_counter()
    data = generate(args.scale, seed=args.seed)
    generated = time.perf_counter() - t0
    truth = data.true_pairs()
    if not args.json:
        print(f"{args.scale:,} 人 → {len(data.records):,} 件（重複ペア {len(truth):,}）を "
              f"{generated:.1f} 秒で生成", file=sys.stderr)
    if args.fit:
        rows = []
        for code, m, u in fit(data):
            weight = f"{__import__('math').log2(m / u):+.1f}" if m and u else "—"
            rows.append((code, f"{m:.4f}", f"{u:.6f}", weight, linkage.LEVELS[code][2]))
        print_table(("level", "m", "u", "log2(m/u)", "weight"), rows)
        return 0

    load_kasane = round(os.getloadavg()[0], 2)  # other processes inflate both wall times
    seconds, cpu, predicted = run_kasane(data, args.workers)
    load_splink = round(os.getloadavg()[0], 2)
    ours = {**quality(predicted, truth), "seconds": seconds}
    baseline: dict[str, float] | None = None
    prep: float | None = None
    note = ""
    if not args.no_splink:
        try:
            s_seconds, prep, s_pred = run_splink(data)
        except ImportError as exc:  # the optional bench dependency is missing
            note = f"Splink を実行できません: {exc}"
        except ValueError as exc:  # Splink's EM can drive an m probability below 1e-300
            note = f"Splink の学習（EM）が失敗しました: {exc}"
        else:
            baseline = {**quality(s_pred, truth), "seconds": s_seconds}
    units = {"f1": "ratio", "precision": "ratio", "recall": "ratio", "seconds": "s"}
    if args.json:
        for metric in ("f1", "precision", "recall", "seconds"):
            digits = 2 if metric == "seconds" else 4
            emit(BENCH, metric, round(ours[metric], digits), units[metric],
                 None if baseline is None else round(baseline[metric], digits),
                 {"scale": args.scale, "workers": args.workers, "cpu_s": round(cpu, 2),
                  "load_avg": load_kasane, "load_avg_splink": load_splink,
                  "splink_prep_s": None if prep is None else round(prep, 2)})
    else:
        print_table(("指標 metric", "Kasane", "Splink", "Kasane/Splink"), [
            (metric, ours[metric], None if baseline is None else baseline[metric],
             None if not baseline or not baseline[metric] else ours[metric] / baseline[metric])
            for metric in ("f1", "precision", "recall", "seconds")])
        print(f"規模 scale: {args.scale:,} 人 / {len(data.records):,} 件, workers={args.workers}, "
              f"Kasane CPU {cpu:.1f} s（他の処理と競合したときの目安）")
        if prep is not None:
            print(f"Splink の入力準備（正規化、時間に含めない）: {prep:.1f} s")
    if note:
        print(note, file=sys.stderr)
    return 0
