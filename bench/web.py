"""``./kasane bench web [--seconds N] [--users U] [--rate R] [--workers W] [--dataset pref50] [--json]``

The web tier under load: gunicorn with uvicorn workers (``-w`` = CPU cores), production
settings, PostgreSQL (a bench database of its own, dropped afterwards), on 127.0.0.1, driven by
locust (headless, its own process) over signed-in demo users (bench._webserver, bench._webprep;
the mix is in bench._locustfile: home inbox, person search, case page, add contact, submit
sheet).

Phases, N seconds each:
(a) capacity — U users (50) with no wait: ``req_per_s`` = the mixed throughput; baseline = the
    throughput of the bare view ``/bench/bare`` (no session, no database) under the same
    server and users; ratio = value ÷ baseline.
(b) latency — a constant offered rate of R requests/s (100; locust ``constant_throughput`` per
    user): overall ``p95_ms`` and ``p99_ms``, per page ``p95_ms.<page>``.
``--open-loop R1,R2,…`` adds, for each offered rate, the open-loop latency of bench._openloop
(plain threads instead of locust, the reading pages only; locust's own overhead dominates its
figures below capacity): ``open_loop_p95_ms`` per rate, with p50/p99, per page and its own
``errors``.
``--floor`` adds a phase (c) like (a) over ``/bench/signed-in`` only (the full middleware chain,
session, MFA gate and the base layout around an empty body: the floor every signed-in page
pays): ``req_per_s.floor`` with its worker CPU per request.
``--database NAME`` names the bench database (default ``kasane_bench_web``; dropped and
recreated: give each concurrent run its own). ``--db-pool N`` keeps N idle PostgreSQL
connections per worker (KASANE_DB_POOL_SIZE, kasane.core.pgpool) and ``--concurrency N`` lets N
requests of a worker run Django at once (KASANE_WORKER_CONCURRENCY, kasane.asgi); 0 = off, both
8 by default — production's defaults (the lines carry ``db_pool`` and ``concurrency``). ``--dataset pref50`` serves the same demo users from
a copy of the generated 50-municipality database (bench/city.py; build it first with
``./kasane bench report --scale pref50``), the demo city being the 51st tenant: the same pages
with ~175k cases and ~1.7M contacts of other tenants beside them. ``errors`` counts failed requests over both phases (non-200 pages, POSTs that did not save).
The capacity and floor lines carry where the machine's CPU went, per completed request:
``cpu_ms_per_req`` (the gunicorn workers), ``db_cpu_ms_per_req`` (the PostgreSQL backends
connected to the bench database, and those that ended during the phase — read from the
postmaster's reaped children, so a backend of another database ending then counts too; null
when the database is on another machine) and
``loadgen_cpu_ms_per_req`` (locust itself) — their sum against the cores is the ceiling of the
phase's throughput on this machine.
Goals (issue 21): ≥ 250 req/s and ratio ≥ 0.2; p95 < 100 ms at 100 req/s; 0 errors. Every line
carries ``load_avg``: the load generator shares the machine's cores with the server, and on a
shared machine other processes slow both.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import _openloop
from bench._common import emit, parse_args, print_table
from bench._webserver import PRODUCTION_DEFAULT, ROOT, Server, serve

BENCH = "web"
# requests per task of bench._locustfile's mix (weights 3,3,3 of one request, 1,1 of two)
REQUESTS_PER_TASK = (3 + 3 + 3 + 2 + 2) / 11
PAGES = ["home", "search", "case", "contact_form", "add_contact", "sheet_form", "submit_sheet"]


def start_phase(server: Server, *, users: int, seconds: int, mix: str = "pages",
                rate: float = 0.0) -> tuple[subprocess.Popen[str], Path]:
    """Start locust headless for ``seconds`` (its own process); returns it and its folder."""
    work = Path(tempfile.mkdtemp(prefix="kasane-locust-"))
    per_user = 0.0
    if rate:
        per_user = rate / users / (REQUESTS_PER_TASK if mix == "pages" else 1.0)
    config = {**{k: server.prep[k] for k in ("users", "queries", "session_cookie",
                                             "csrf_cookie")},
              "host": server.url, "mix": mix, "rate": per_user}
    (work / "config.json").write_text(json.dumps(config), encoding="utf-8")
    env = {**os.environ, "KASANE_BENCH_WEB_CONFIG": str(work / "config.json"),
           "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "_locustfile.py"),
         "--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
         "--stop-timeout", "5", "--csv", str(work / "run"), "--only-summary",
         "--loglevel", "ERROR", "--exit-code-on-error", "0"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return process, work


def finish_phase(process: subprocess.Popen[str], work: Path) -> dict[str, Any]:
    """Wait for locust; {"rows": {name: stats row (``Aggregated`` too)}, "failures": [...]}."""
    _, stderr = process.communicate()
    stats = work / "run_stats.csv"
    if not stats.exists():
        raise RuntimeError(f"locust failed: {(stderr or '')[-2000:]}")
    rows = {}
    with stats.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows[row["Name"]] = row
    failures = []
    if (work / "run_failures.csv").exists():
        with (work / "run_failures.csv").open(encoding="utf-8") as fh:
            failures = [f"{r['Name']}: {r['Error']} ×{r['Occurrences']}" for r in csv.DictReader(fh)]
    exceptions = 0  # a task that raised (a bug of the load script or a page it cannot read)
    if (work / "run_exceptions.csv").exists():
        with (work / "run_exceptions.csv").open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                exceptions += int(r.get("Count") or 1)
                failures.append(f"exception: {r.get('Message', '')[:200]} ×{r.get('Count')}")
    shutil.rmtree(work, ignore_errors=True)
    return {"rows": rows, "failures": failures, "exceptions": exceptions}


def run_phase(server: Server, *, users: int, seconds: int, mix: str = "pages",
              rate: float = 0.0) -> dict[str, Any]:
    """One locust run of ``seconds`` against ``server`` (see start_phase / finish_phase), with
    ``cpu_ms_per_req``: the workers' CPU time per request (less sensitive to other processes
    on the machine than throughput), ``db_cpu_ms_per_req`` the database backends' (None when
    they are not on this machine) and ``loadgen_cpu_ms_per_req`` locust's."""
    cpu, db = server.worker_cpu_seconds(), server.database_cpu_seconds()
    loadgen = _children_cpu_seconds()
    phase = finish_phase(*start_phase(server, users=users, seconds=seconds, mix=mix, rate=rate))
    count = figure(phase, "Aggregated", "Request Count")
    used = server.worker_cpu_seconds() - cpu
    db_after = server.database_cpu_seconds() if db is not None else None
    db_used = None if db is None or db_after is None else db_after - db
    per_request = {"cpu_ms_per_req": used, "db_cpu_ms_per_req": db_used,
                   "loadgen_cpu_ms_per_req": _children_cpu_seconds() - loadgen}
    for key, seconds_used in per_request.items():
        phase[key] = (round(seconds_used * 1000 / count, 1)
                      if count and seconds_used is not None else None)
    phase["req_per_s"] = round(count / seconds, 1)  # completed requests ÷ the phase's length
    return phase


def _children_cpu_seconds() -> float:
    """User + system CPU of this process's finished children (locust, once waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def figure(phase: dict[str, Any], name: str, column: str) -> float:
    row = phase["rows"].get(name)
    if not row or row.get(column) in (None, "", "N/A"):
        return 0.0
    return float(row[column])


def errors(phase: dict[str, Any]) -> int:
    """Failed requests plus tasks that raised."""
    return int(figure(phase, "Aggregated", "Failure Count")) + int(phase.get("exceptions", 0))


def run(*, seconds: int, users: int, rate: float, workers: int,
        database: str = "kasane_bench_web", db_pool: int = PRODUCTION_DEFAULT,
        concurrency: int = PRODUCTION_DEFAULT, dataset: str = "",
        floor: bool = False, open_loop: tuple[float, ...] = ()) -> dict[str, Any]:
    """Both phases (the floor's with ``floor``, an open-loop run per rate of ``open_loop``) on
    one server; returns the figures."""
    with serve(users=users, workers=workers, database=database, db_pool=db_pool,
               concurrency=concurrency, dataset=dataset) as server:
        bare = run_phase(server, users=users, seconds=seconds, mix="bare")
        base = run_phase(server, users=users, seconds=seconds, mix="floor") if floor else None
        # before the mix, whose つなぐシート (hundreds a minute) fill the coordinator's inbox;
        # the open-loop requests only read (and write their access-log rows)
        opened = [(r, _openloop.run(server, rate=r, seconds=seconds, users=users))
                  for r in open_loop]
        mixed = run_phase(server, users=users, seconds=seconds)
        latency = run_phase(server, users=users, seconds=seconds, rate=rate)
        workers_used = len(server.worker_pids())
    # every page of the mix, with its sample count: a short run on a slow machine may not
    # reach a page at all (its value is then null, never a made-up 0)
    counts = {p: int(figure(latency, p, "Request Count")) for p in PAGES}
    per_page = {p: (figure(latency, p, "95%") if n else None, n) for p, n in counts.items()}
    return {
        "req_per_s": mixed["req_per_s"], "baseline_req_per_s": bare["req_per_s"],
        "p95_ms": figure(latency, "Aggregated", "95%"),
        "p99_ms": figure(latency, "Aggregated", "99%"),
        "achieved_rate": latency["req_per_s"],
        "per_page": per_page,
        "errors": errors(bare) + errors(mixed) + errors(latency) + (errors(base) if base else 0),
        "workers": workers_used,
        "failures": bare["failures"] + mixed["failures"] + latency["failures"]
        + (base["failures"] if base else []),
        "mixed_p95_ms": figure(mixed, "Aggregated", "95%"),
        "cpu_ms_per_req": mixed["cpu_ms_per_req"], "bare_cpu_ms_per_req": bare["cpu_ms_per_req"],
        "db_cpu_ms_per_req": mixed["db_cpu_ms_per_req"],
        "loadgen_cpu_ms_per_req": mixed["loadgen_cpu_ms_per_req"],
        "pages": {p: int(figure(mixed, p, "Request Count")) for p in PAGES},
        "open_loop": opened,
        "floor": None if base is None else {
            "req_per_s": base["req_per_s"], "cpu_ms_per_req": base["cpu_ms_per_req"],
            "db_cpu_ms_per_req": base["db_cpu_ms_per_req"],
            "p95_ms": figure(base, "Aggregated", "95%"), "errors": errors(base),
            "failures": base["failures"]},
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv, {"scale": 50},
                      extra=[("--seconds", int, 30), ("--users", int, 0), ("--rate", float, 100.0),
                             ("--workers", int, 0), ("--db-pool", int, PRODUCTION_DEFAULT),
                             ("--concurrency", int, PRODUCTION_DEFAULT),
                             ("--dataset", str, ""), ("--database", str, "kasane_bench_web"),
                             ("--open-loop", _rates, ())],
                      flags=["--floor"],
                      description="Web 層の処理量と応答時間（gunicorn + uvicorn、本番設定、locust）")
    users = args.users or args.scale
    try:
        figures = run(seconds=max(1, args.seconds), users=users, rate=args.rate,
                      workers=args.workers, db_pool=args.db_pool,
                      concurrency=args.concurrency, dataset=args.dataset,
                      floor=args.floor, database=args.database, open_loop=args.open_loop)
    except Exception as exc:  # no PostgreSQL, the server did not start …
        print(f"ベンチマークを実行できません（{exc}）", file=sys.stderr)
        return 2
    load = round(os.getloadavg()[0], 1)
    for failure in figures["failures"][:10]:
        print(f"失敗: {failure}", file=sys.stderr)
    extra = {"users": users, "seconds": args.seconds, "workers": figures["workers"],
             "db_pool": args.db_pool, "concurrency": args.concurrency, "load_avg": load}
    if args.dataset:
        extra["dataset"] = args.dataset
    if args.json:
        emit(BENCH, "req_per_s", figures["req_per_s"], "req/s", figures["baseline_req_per_s"],
             {**extra, "phase": "capacity", "p95_ms": figures["mixed_p95_ms"],
              "cpu_ms_per_req": figures["cpu_ms_per_req"],
              "db_cpu_ms_per_req": figures["db_cpu_ms_per_req"],
              "loadgen_cpu_ms_per_req": figures["loadgen_cpu_ms_per_req"],
              "baseline_cpu_ms_per_req": figures["bare_cpu_ms_per_req"]})
        lat = {**extra, "phase": "latency", "offered_req_per_s": args.rate,
               "achieved_req_per_s": figures["achieved_rate"]}
        emit(BENCH, "p95_ms", figures["p95_ms"], "ms", None, lat)
        emit(BENCH, "p99_ms", figures["p99_ms"], "ms", None, lat)
        for page, (value, samples) in figures["per_page"].items():
            emit(BENCH, f"p95_ms.{page}", value, "ms", None, {**lat, "samples": samples})
        floor = figures["floor"]
        if floor is not None:
            emit(BENCH, "req_per_s.floor", floor["req_per_s"], "req/s",
                 figures["baseline_req_per_s"],
                 {**extra, "phase": "floor", "p95_ms": floor["p95_ms"],
                  "cpu_ms_per_req": floor["cpu_ms_per_req"],
                  "db_cpu_ms_per_req": floor["db_cpu_ms_per_req"]})
        for offered, found in figures["open_loop"]:
            emit(BENCH, "open_loop_p95_ms", found["p95_ms"], "ms", None,
                 {**extra, "phase": "open_loop", "offered_req_per_s": offered,
                  **{k: found[k] for k in ("p50_ms", "p99_ms", "achieved_req_per_s", "samples",
                                           "errors", "per_page")}})
        emit(BENCH, "errors", figures["errors"], "count", None, extra)
        return 0
    rows = [("capacity req/s (mixed)", figures["req_per_s"]),
            ("baseline req/s (bare view)", figures["baseline_req_per_s"]),
            (f"p95 ms at {args.rate:g} req/s", figures["p95_ms"]),
            (f"p99 ms at {args.rate:g} req/s", figures["p99_ms"]),
            ("achieved req/s", figures["achieved_rate"]),
            ("worker CPU ms per request (mixed)", figures["cpu_ms_per_req"]),
            ("worker CPU ms per request (bare)", figures["bare_cpu_ms_per_req"]),
            ("PostgreSQL CPU ms per request (mixed)", figures["db_cpu_ms_per_req"]),
            ("locust CPU ms per request (mixed)", figures["loadgen_cpu_ms_per_req"]),
            *[(f"p95 ms {p} ({n} requests)", v) for p, (v, n) in figures["per_page"].items()],
            ("errors", figures["errors"]), ("load average", load)]
    rows += [(f"open-loop p50 / p95 / p99 ms at {offered:g} req/s",
              f"{found['p50_ms']} / {found['p95_ms']} / {found['p99_ms']}")
             for offered, found in figures["open_loop"]]
    if figures["floor"] is not None:
        rows[2:2] = [("floor req/s (/bench/signed-in)", figures["floor"]["req_per_s"]),
                     ("worker CPU ms per request (floor)", figures["floor"]["cpu_ms_per_req"])]
    print_table(["figure", "value"], rows)
    return 0


def _rates(text: str) -> tuple[float, ...]:
    """``10,20,30`` → offered rates (req/s) of the open-loop runs."""
    try:
        rates = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"req/s をカンマ区切りで指定してください: {text!r}")
    if any(r <= 0 for r in rates):
        raise argparse.ArgumentTypeError("0 より大きい値を指定してください")
    return rates
