"""``./kasane bench fuzz [--examples N] [--api-examples M] [--workers W] [--json]``

The longer fuzz run of issue 22: the CI fuzz tests (``tests/fuzz``: every form, the main
service inputs, schemathesis on ``/api/v1/openapi.json`` as an authenticated user) with the
hypothesis profile ``long`` — random (not derandomized), N examples a strategy (default 200)
and M examples an API operation and generation mode (default 50) — on PostgreSQL
(``KASANE_TEST_DATABASE_URL`` or a local server, as ``./kasane test``).

Metrics (DESIGN §9 JSON lines): ``inputs`` (inputs tried: form submissions, service calls,
API requests), ``server_errors`` (API answers ≥ 500), ``schema_violations`` (API answers
outside the documented status codes, content types, headers or body schemas),
``failed_tests`` (any other failure: a form or service that raised), ``seconds``.
Goal: 0 server errors, 0 schema violations, 0 failed tests. The machine's load average is
printed beside each figure (``load_avg``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._common import emit, parse_args, print_table

BENCH = "fuzz"
ROOT = Path(__file__).resolve().parents[1]


def _postgres_url() -> str | None:
    from kasane.cli import _postgres_url as probe

    return probe()


def run(examples: int, api_examples: int, workers: int) -> dict[str, float]:
    """Run the fuzz tests once with the long profile; the summed tallies and the outcome."""
    report_dir = Path(tempfile.mkdtemp(prefix="kasane-fuzz-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "KASANE_FUZZ_PROFILE": "long",
           "KASANE_FUZZ_EXAMPLES": str(examples), "KASANE_FUZZ_API_EXAMPLES": str(api_examples),
           "KASANE_FUZZ_REPORT": str(report_dir / "tally"), "KASANE_VAR_DIR": str(report_dir)}
    env.pop("KASANE_ENV", None)
    pg = _postgres_url()
    if pg:
        env["KASANE_DATABASE_URL"] = pg
    cmd = [sys.executable, "-m", "pytest", "tests/fuzz", "-q",
           *(["-n", str(workers)] if workers > 1 else ["-p", "no:xdist"])]
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    seconds = time.perf_counter() - started
    totals: dict[str, float] = {"inputs": 0, "server_errors": 0, "schema_violations": 0}
    for part in report_dir.glob("tally.*"):
        for key, value in json.loads(part.read_text(encoding="utf-8")).items():
            totals[key] = totals.get(key, 0) + value
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    failed = re.search(r"(\d+) failed", summary)
    api_failed = len(re.findall(r"FAILED tests/fuzz/test_api_schemathesis", done.stdout))
    totals["failed_tests"] = (int(failed.group(1)) if failed else 0) - api_failed
    totals["seconds"] = round(seconds, 1)
    shutil.rmtree(report_dir, ignore_errors=True)
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"pytest stopped with exit code {done.returncode}")
    if done.returncode:
        failures = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "E "))]
        sys.stderr.write("\n".join(failures[:200]) + "\n")
    return totals


def main(argv: list[str]) -> int:
    args = parse_args(argv, {"scale": 200}, extra=[("--examples", int, 200),
                                                 ("--api-examples", int, 50),
                                                 ("--workers", int, 2)],
                      description="長いファジング（フォーム・サービス・API）")
    load = round(os.getloadavg()[0], 2)
    totals = run(args.examples, args.api_examples, args.workers)
    extra = {"examples": args.examples, "api_examples": args.api_examples, "load_avg": load}
    units = {"inputs": "count", "server_errors": "count", "schema_violations": "count",
             "failed_tests": "count", "seconds": "s"}
    if args.json:
        for metric in ("inputs", "server_errors", "schema_violations", "failed_tests", "seconds"):
            emit(BENCH, metric, totals[metric], units[metric], None, extra)
    else:
        print_table(["指標", "値"], [[m, totals[m]] for m in units])
        print(f"load average {load}")
    bad = totals["server_errors"] + totals["schema_violations"] + totals["failed_tests"]
    return 1 if bad else 0
