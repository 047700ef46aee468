"""``./kasane bench soak`` at small scale: steady load for a few seconds, no errors, worker
memory read at the start and the end."""

from __future__ import annotations

from bench import soak
from tests.bench._web import require_postgres


def test_soak_reads_worker_memory_and_counts_no_errors() -> None:
    require_postgres()
    figures = soak.run(seconds=4, users=3, rate=10, workers=1, database="kasane_bench_soak_test")
    assert figures["errors"] == 0
    assert len(figures["rss_start_mb"]) == len(figures["rss_end_mb"]) == 1
    assert all(50 < mb < 1000 for mb in figures["rss_start_mb"] + figures["rss_end_mb"])
    assert figures["rss_growth_mb"] < 200
    assert figures["req_per_s"] > 0
