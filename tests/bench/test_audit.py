"""The audit benchmark at small scale: rows go in by COPY across monthly partitions, the JSON
lines carry the disclosure figures with the SQL baseline, and a disk too small is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench import audit


def _pg() -> str | None:
    url = os.environ.get("KASANE_BENCH_DATABASE_URL") or os.environ.get("KASANE_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench_audit"))


def test_the_disk_check_refuses_what_does_not_fit() -> None:
    assert audit.disk_check(10_000_000, 100 * 10**9) is None
    refusal = audit.disk_check(100_000_000, 30 * 10**9)
    assert refusal is not None and "空きディスクが足りません" in refusal and "66.0 GB" in refusal


def test_a_chunk_is_sorted_copy_text_of_the_right_width() -> None:
    import random

    text = audit._chunk(random.Random(1), 500, 1_700_000_000, 1_700_086_400, 50,
                        [(1, 2, "staff-a"), (3, 4, "staff-b")], 9, 0)
    lines = text.splitlines()
    assert len(lines) == 500
    cells = [line.split("\t") for line in lines]
    assert {len(c) for c in cells} == {13}
    stamps = [c[0] for c in cells]
    assert stamps == sorted(stamps) and stamps[0].startswith("2023-11-14 ")
    assert {c[10] for c in cells} == {"9"} and all(1 <= int(c[5]) <= 50 for c in cells)


@pytest.mark.skipif(_pg() is None, reason="needs PostgreSQL")
def test_the_json_lines_at_small_scale() -> None:
    """In its own process, as ``./kasane bench audit`` runs (Django set up on the bench DB)."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": f"{root / 'src'}:{root}",
           "DJANGO_SETTINGS_MODULE": "kasane.settings"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kasane.cli", "bench", "audit", "--rows", "3000", "--months", "3",
         "--queries", "5", "--json", "--reload", "--db", str(_pg())],
        env=env, cwd=root, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = {d["metric"]: d for d in map(json.loads, done.stdout.splitlines())}
    assert set(lines) >= {"disclosure_p95_ms", "disclosure_p50_ms", "auditor_search_p95_ms",
                          "rows", "load_seconds"}
    p95 = lines["disclosure_p95_ms"]
    assert p95["baseline"] > 0 and p95["scale"] == 3000 and "load_avg" in p95
    assert 60 <= p95["rows_per_report"] <= 160  # 3,000 rows over 30 persons (~100 each)
    assert audit._bench_rows(str(_pg())) == 3000
