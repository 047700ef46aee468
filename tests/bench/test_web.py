"""``./kasane bench web`` at small scale (a few seconds per phase, five users): the production
server starts, the signed-in mix is served without errors, and the JSON lines carry the
contract's metric names (issue 21)."""

from __future__ import annotations

import io
import json
import os
from contextlib import redirect_stdout

from bench import web
from kasane.settings.base import PRODUCTION_CONCURRENCY
from tests.bench._web import require_postgres


def test_web_bench_prints_every_figure_without_errors(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    require_postgres()
    real_run = web.run
    monkeypatch.setattr(web, "run", lambda **kw: real_run(**{**kw, "database": "kasane_bench_web_test"}))
    out = io.StringIO()
    with redirect_stdout(out):
        assert web.main(["--json", "--seconds", "3", "--users", "5", "--rate", "20",
                         "--workers", "1", "--open-loop", "10"]) == 0
    lines = {d["metric"]: d for d in map(json.loads, out.getvalue().splitlines())}
    # the open-loop check: the reading pages at 10 req/s, timed from when each was due
    opened = lines.pop("open_loop_p95_ms")
    assert opened["offered_req_per_s"] == 10 and opened["errors"] == 0 and opened["samples"] > 0
    assert 0 < opened["p50_ms"] <= opened["value"] <= opened["p99_ms"]
    assert set(opened["per_page"]) == {"home", "search", "case"}
    capacity = lines["req_per_s"]
    assert capacity["value"] > 0 and capacity["baseline"] > 0
    assert capacity["ratio"] == round(capacity["value"] / capacity["baseline"], 4)
    assert lines["p95_ms"]["value"] > 0 and lines["p99_ms"]["value"] >= lines["p95_ms"]["value"]
    # every page of the mix has its line; a page the short run never reached says so (null)
    pages = {m: d for m, d in lines.items() if m.startswith("p95_ms.")}
    assert set(pages) == {f"p95_ms.{p}" for p in web.PAGES}
    for d in pages.values():
        assert (d["value"] > 0) if d["samples"] else (d["value"] is None)
    assert sum(d["samples"] for d in pages.values()) > 0
    assert lines["errors"]["value"] == 0
    assert all("load_avg" in d for d in lines.values())
    # where the CPU went: the workers, the database's backends (on this machine) and locust
    assert capacity["cpu_ms_per_req"] > 0 and capacity["loadgen_cpu_ms_per_req"] > 0
    assert capacity["baseline_cpu_ms_per_req"] > 0
    if "KASANE_BENCH_DATABASE_URL" not in os.environ:  # the local server: its /proc is ours
        assert capacity["db_cpu_ms_per_req"] > 0
    # the server ran with production's serving defaults, and the lines say so
    assert capacity["db_pool"] == capacity["concurrency"] == PRODUCTION_CONCURRENCY


def test_the_bench_default_is_production_s() -> None:
    from bench._webserver import PRODUCTION_DEFAULT

    assert PRODUCTION_DEFAULT == PRODUCTION_CONCURRENCY


def test_the_database_s_cpu_counts_backends_that_ended() -> None:
    """A backend that burns CPU and ends between two readings (a connection the pool did not
    keep) is in the difference: its time is read from the postmaster's reaped children."""
    require_postgres()
    import psycopg

    from bench._webserver import Server

    url = os.environ.get("KASANE_BENCH_DATABASE_URL",
                         "postgresql://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0]
    server = Server(url="", port=0, process=None, prep={},  # type: ignore[arg-type]
                    database_url=url + "/postgres")
    before = server.database_cpu_seconds()
    if before is None:
        import pytest

        pytest.skip("PostgreSQL runs on another machine")
    with psycopg.connect(url + "/postgres") as conn:
        conn.execute("SELECT count(*) FROM generate_series(1, 5000000)").fetchone()
    after = server.database_cpu_seconds()
    assert after is not None and after - before >= 0.1


def test_open_loop_rates_are_read_or_refused() -> None:
    import argparse

    import pytest

    assert web._rates("10,20.5, 30") == (10.0, 20.5, 30.0)
    for bad in ("10,x", "0", "-5"):
        with pytest.raises(argparse.ArgumentTypeError):
            web._rates(bad)
