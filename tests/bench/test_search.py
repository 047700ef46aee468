"""The search benchmark at small scale on SQLite: every JSON line, with the same-work SQL as
the baseline of ``p95_equiv_ms`` (it writes its access-log rows as the service does)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_the_json_lines_include_p95_equiv_ms() -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": f"{root / 'src'}:{root}",
           "DJANGO_SETTINGS_MODULE": "kasane.settings"}
    env.pop("KASANE_DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kasane.cli", "bench", "search", "--sqlite", "--scale", "400",
         "--queries", "10", "--json"],
        env=env, cwd=root, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = {d["metric"]: d for d in map(json.loads, done.stdout.splitlines())}
    assert set(lines) == {"p95_ms", "p50_ms", "p95_equiv_ms", "bad_input_max_ms"}
    equiv = lines["p95_equiv_ms"]
    assert equiv["value"] == lines["p95_ms"]["value"]  # the same service figure
    assert equiv["baseline"] > 0 and equiv["ratio"] is not None
    assert set(equiv["by_kind"]) == {"kana_prefix", "full_name", "family_birth_year",
                                     "birth_date", "phone"}
