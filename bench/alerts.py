"""``./kasane bench alerts [--subscribers N] [--rounds R] [--json] [--sqlite] [--db URL]``

Time from raising a 緊急案件 (``POST /api/v1/alerts``) to its ``alert`` event at each of N
connected SSE clients (``/events/stream``) of the target agency, through a real uvicorn server
on PostgreSQL (``kasane.notify.tests.live_server``: its own fresh database, dropped afterwards;
the worker keeps ONE LISTEN connection and fans each event out in memory). R rounds, one alert
each; every client's arrival is one sample.

Metrics (DESIGN §9 JSON lines): ``p50_ms``, ``p95_ms``, ``max_ms``, ``delivered`` (events
received / expected), ``listen_connections`` (PostgreSQL: listening connections of the worker).
Goal: p95 < 1 s, every event delivered. The machine's load average is printed beside each
figure (``load_avg``): other processes on a shared machine inflate the times.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import emit, parse_args, print_table
from kasane.core.live_server import run_async

BENCH = "alerts"
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/kasane_bench_alerts"
TIMEOUT = 30.0


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def _rounds(info: dict[str, Any], rounds: int, url: str) -> tuple[list[float], int, int]:
    from kasane.notify.tests import live_server

    port = int(info["port"])
    streams = await asyncio.gather(*[live_server.open_stream(port, c) for c in info["cookies"]])
    listening = live_server.listen_connections(url, info["database"]) if info["database"] else 0
    samples: list[float] = []
    delivered = 0
    try:
        for _ in range(rounds):
            waits = [asyncio.ensure_future(live_server.next_event(r, "alert"))
                     for r, _ in streams]
            started = time.perf_counter()
            await asyncio.to_thread(live_server.raise_alert, port, info["token"], info["org_b"])
            done, pending = await asyncio.wait(waits, timeout=TIMEOUT)
            for task in pending:
                task.cancel()
            for task in done:
                if task.exception() is None:
                    arrived, _ = task.result()
                    samples.append((arrived - started) * 1000)
                    delivered += 1
            await asyncio.sleep(0.2)
    finally:
        for _, writer in streams:
            writer.close()
    return samples, delivered, listening


def run(subscribers: int, rounds: int, url: str) -> dict[str, Any]:
    """Start the server, measure, stop it and drop its database; returns the figures."""
    from kasane.notify.tests import live_server

    tmp = tempfile.mkdtemp(prefix="kasane-bench-alerts-")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([sys.executable, "-m", "kasane.notify.tests.live_server",  # noqa: S603
                               tmp, url, str(subscribers)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    info: dict[str, Any] = {}
    try:
        line = server.stdout.readline() if server.stdout else ""
        if not line:
            raise RuntimeError(server.stderr.read() if server.stderr else "server did not start")
        info = json.loads(line)
        samples, delivered, listening = run_async(_rounds(info, rounds, url))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        if info.get("database"):
            live_server.drop_database(url, info["database"])
        shutil.rmtree(tmp, ignore_errors=True)
    return {"samples": samples, "delivered": delivered, "expected": subscribers * rounds,
            "listen_connections": listening,
            "p50_ms": round(statistics.median(samples), 1) if samples else None,
            "p95_ms": round(_pct(samples, 95), 1) if samples else None,
            "max_ms": round(max(samples), 1) if samples else None}


def main(argv: list[str]) -> int:
    args = parse_args(argv, {"scale": 100},
                      extra=[("--subscribers", int, 0), ("--rounds", int, 5), ("--db", str, "")],
                      flags=["--sqlite"],
                      description="緊急案件の発信から各SSEクライアントへの到着までの時間")
    subscribers = args.subscribers or args.scale
    url = "sqlite" if args.sqlite else (args.db or os.environ.get("KASANE_BENCH_DATABASE_URL")
                                        or DEFAULT_URL)
    try:
        figures = run(subscribers, max(1, args.rounds), url)
    except Exception as exc:  # no PostgreSQL here, the server failed …
        print(f"ベンチマークを実行できません（{exc}）。--sqlite で SQLite でも測れます。",
              file=sys.stderr)
        return 2
    load = round(os.getloadavg()[0], 1)
    backend = "sqlite" if args.sqlite else "postgresql"
    extra = {"subscribers": subscribers, "rounds": args.rounds, "backend": backend,
             "load_avg": load, "cpus": os.cpu_count()}
    ratio = figures["delivered"] / figures["expected"]
    if args.json:
        for metric in ("p50_ms", "p95_ms", "max_ms"):
            if figures[metric] is not None:
                emit(BENCH, metric, figures[metric], "ms", extra=extra)
        emit(BENCH, "delivered", round(ratio, 4), "ratio",
             extra={**extra, "received": figures["delivered"], "expected": figures["expected"]})
        emit(BENCH, "listen_connections", figures["listen_connections"], "count", extra=extra)
    else:
        print(f"SSEクライアント {subscribers} 件 × {args.rounds} 回（{backend}）、"
              f"ロードアベレージ {load}（{os.cpu_count()} コア）")
        print_table(["指標", "値"], [
            ["p50（ミリ秒）", figures["p50_ms"]], ["p95（ミリ秒）", figures["p95_ms"]],
            ["最大（ミリ秒）", figures["max_ms"]],
            ["到着", f"{figures['delivered']}/{figures['expected']}"],
            ["LISTEN 接続数", figures["listen_connections"]]])
    return 0 if figures["delivered"] == figures["expected"] else 1
