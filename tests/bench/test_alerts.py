"""The alerts benchmark at small scale: a real server, a few SSE clients, every alert arrives
(SQLite: the in-process hand-over; PostgreSQL when KASANE_BENCH_DATABASE_URL or a local server
answers: LISTEN/NOTIFY with one listening connection)."""

from __future__ import annotations

import io
import json
import os
from contextlib import redirect_stdout

import pytest

from bench import alerts


def test_every_client_gets_every_alert_on_sqlite() -> None:
    figures = alerts.run(3, 2, "sqlite")
    assert figures["delivered"] == figures["expected"] == 6
    assert figures["p95_ms"] is not None and figures["p95_ms"] < 5000


def _pg() -> str | None:
    url = os.environ.get("KASANE_BENCH_DATABASE_URL") or os.environ.get("KASANE_DATABASE_URL", "")
    return url if url.startswith("postgres") else None


@pytest.mark.skipif(_pg() is None, reason="needs PostgreSQL")
def test_the_json_lines_on_postgresql() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        code = alerts.main(["--subscribers", "4", "--rounds", "1", "--json", "--db", str(_pg())])
    lines = {d["metric"]: d for d in map(json.loads, out.getvalue().splitlines())}
    assert code == 0
    assert set(lines) >= {"p50_ms", "p95_ms", "delivered", "listen_connections"}
    assert lines["delivered"]["value"] == 1.0 and lines["listen_connections"]["value"] == 1
    assert "load_avg" in lines["p95_ms"]


def test_the_percentile_helper() -> None:
    assert alerts._pct([1.0, 2.0, 3.0, 4.0, 100.0], 50) == 3.0
    assert alerts._pct([5.0], 95) == 5.0
