"""``./kasane bench soak [--minutes M] [--seconds S] [--rate R] [--users U] [--json]``

Steady load for M minutes (5) on the production server of bench web (bench._webserver; the mix
of bench._locustfile at a constant offered rate R, 50 req/s by default, over U signed-in
users): does the tier stay healthy? Worker memory (RSS) is read at the start (after a warm-up
of a tenth of the run, at most 30 s: imports, template and URL caches fill first) and at the
end.

Metrics: ``errors`` (failed requests), ``rss_growth_mb`` (the largest growth of one worker
between start and end; goal flat, < 200 MB per worker), ``rss_end_mb`` (the largest worker at
the end), ``req_per_s`` (achieved). ``--seconds`` overrides the minutes (the small-scale test);
``--db-pool N`` and ``--concurrency N`` as in bench web (production's defaults, 8 and 8).
``load_avg`` is printed beside each figure.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from bench._common import emit, parse_args, print_table
from bench._webserver import PRODUCTION_DEFAULT, serve
from bench.web import errors, figure, finish_phase, start_phase

BENCH = "soak"


def run(*, seconds: int, users: int, rate: float, workers: int = 0,
        database: str = "kasane_bench_soak", db_pool: int = PRODUCTION_DEFAULT,
        concurrency: int = PRODUCTION_DEFAULT) -> dict[str, Any]:
    """Start the server, load it for ``seconds``, read worker RSS at the start and the end."""
    with serve(users=users, workers=workers, database=database, db_pool=db_pool,
               concurrency=concurrency) as server:
        process, work = start_phase(server, users=users, seconds=seconds, rate=rate)
        warm = min(30.0, seconds / 10)
        time.sleep(warm)
        start = server.worker_rss_mb()
        samples = [start]
        deadline = time.monotonic() + seconds - warm
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(min(5.0, max(0.1, deadline - time.monotonic())))
            samples.append(server.worker_rss_mb())
        end = server.worker_rss_mb() or samples[-1]
        phase = finish_phase(process, work)
    growth = max((e - s for s, e in zip(start, end, strict=False)), default=0.0)
    return {"errors": errors(phase), "failures": phase["failures"],
            "rss_start_mb": start, "rss_end_mb": end, "rss_growth_mb": round(growth, 1),
            "rss_peak_mb": max((max(s) for s in samples if s), default=0.0),
            "req_per_s": round(figure(phase, "Aggregated", "Request Count") / seconds, 1),
            "p95_ms": figure(phase, "Aggregated", "95%")}


def main(argv: list[str]) -> int:
    args = parse_args(argv, {"scale": 50},
                      extra=[("--minutes", float, 5.0), ("--seconds", int, 0),
                             ("--rate", float, 50.0), ("--users", int, 0),
                             ("--db-pool", int, PRODUCTION_DEFAULT),
                             ("--concurrency", int, PRODUCTION_DEFAULT)],
                      description="一定負荷を続けたときのエラー数とワーカーのメモリ（RSS）")
    seconds = args.seconds or max(1, round(args.minutes * 60))
    users = args.users or args.scale
    try:
        figures = run(seconds=seconds, users=users, rate=args.rate, db_pool=args.db_pool,
                      concurrency=args.concurrency)
    except Exception as exc:  # no PostgreSQL, the server did not start …
        print(f"ベンチマークを実行できません（{exc}）", file=sys.stderr)
        return 2
    load = round(os.getloadavg()[0], 1)
    for failure in figures["failures"][:10]:
        print(f"失敗: {failure}", file=sys.stderr)
    extra = {"seconds": seconds, "users": users, "offered_req_per_s": args.rate,
             "db_pool": args.db_pool, "concurrency": args.concurrency, "load_avg": load}
    if args.json:
        emit(BENCH, "errors", figures["errors"], "count", None, extra)
        emit(BENCH, "rss_growth_mb", figures["rss_growth_mb"], "MB", None,
             {**extra, "rss_start_mb": figures["rss_start_mb"],
              "rss_end_mb": figures["rss_end_mb"], "goal": 200})
        emit(BENCH, "rss_end_mb", max(figures["rss_end_mb"], default=0.0), "MB", None, extra)
        emit(BENCH, "req_per_s", figures["req_per_s"], "req/s", None,
             {**extra, "p95_ms": figures["p95_ms"]})
        return 0
    print_table(["figure", "value"], [
        ("errors", figures["errors"]), ("worker RSS start MB", figures["rss_start_mb"]),
        ("worker RSS end MB", figures["rss_end_mb"]), ("RSS growth MB", figures["rss_growth_mb"]),
        ("achieved req/s", figures["req_per_s"]), ("p95 ms", figures["p95_ms"]),
        ("load average", load)])
    return 0
