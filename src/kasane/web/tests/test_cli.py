"""``./kasane test --help`` prints the usage (pytest's too) and runs no test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_test_help_prints_pytest_usage_without_running_the_suite() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"),
           # a database that cannot answer: --help must not even look for one
           "KASANE_TEST_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    done = subprocess.run([sys.executable, "-m", "kasane.cli", "test", "--help"], cwd=ROOT,  # noqa: S603
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "使い方: ./kasane test" in done.stdout
    assert "usage:" in done.stdout and "--maxfail" in done.stdout  # pytest's own usage
    assert not re.search(r"\d+ (passed|failed|errors?|skipped)", done.stdout)  # no summary
    assert not re.search(r"collected \d+ item", done.stdout)
    assert "SQLite smoke" not in done.stdout
