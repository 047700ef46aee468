"""``./kasane bench fuzz`` counts failed tests and shows them (bench/fuzz.py); pytest itself is
replaced by a finished run's output here."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from bench import fuzz

OUTPUT = "\n".join([
    ".....F..F",
    "FAILED tests/fuzz/test_sheets_fuzz.py::test_any_answer_saves - AssertionError",
    "E   assert 500 == 200",
    "FAILED tests/fuzz/test_api_schemathesis.py::test_api[GET /api/v1/cases]",
    "2 failed, 7 passed in 3.21s",
])


def _finished(returncode: int, stdout: str) -> Any:
    def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(cmd, returncode, stdout=stdout, stderr="")

    return run


def test_failed_tests_are_counted_and_shown(monkeypatch, capsys) -> None:
    monkeypatch.setattr(fuzz, "_postgres_url", lambda: None)
    monkeypatch.setattr(fuzz.subprocess, "run", _finished(1, OUTPUT))
    totals = fuzz.run(examples=1, api_examples=1, workers=1)
    # the schemathesis test's failures are the API's schema violations, counted apart
    assert totals["failed_tests"] == 1
    shown = capsys.readouterr().err.splitlines()
    assert shown == [line for line in OUTPUT.splitlines() if line.startswith(("FAILED", "E "))]


def test_a_run_that_stopped_is_an_error(monkeypatch) -> None:
    monkeypatch.setattr(fuzz, "_postgres_url", lambda: None)
    monkeypatch.setattr(fuzz.subprocess, "run", _finished(2, "interrupted"))
    with pytest.raises(SystemExit, match="exit code 2"):
        fuzz.run(examples=1, api_examples=1, workers=1)
