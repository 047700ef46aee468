"""The launcher and ``kasane.cli``: ``./kasane test`` (help, arguments and workers), the demo's
server and worker stopping together, progress while dependencies install."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

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


# --- ./kasane test with arguments keeps the parallel workers ---------------------------------

SERIAL = [["-n", "0", "src"], ["-n4", "src"], ["--numprocesses=3"], ["-p", "no:xdist"],
          ["--dist=loadfile", "src"], ["--pdb", "src"], ["--trace"],
          ["src/kasane/web/tests/test_cli.py::test_the_readme_documents_it"]]
PARALLEL = [["src/kasane/sheets", "-k", "export", "-x"], ["tests/e2e/test_login_journey.py"]]


def _pytest_args(cases: list[list[str]]) -> list[list[str]]:
    """``kasane.cli.pytest_args`` for each case (in a subprocess: the cli sits above web)."""
    import json

    code = ("import json, sys; from kasane.cli import pytest_args; "
            "print(json.dumps([pytest_args(a, ['-n', '2']) for a in json.loads(sys.argv[1])]))")
    done = subprocess.run([sys.executable, "-c", code, json.dumps(cases)], cwd=ROOT,  # noqa: S603
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                          capture_output=True, text=True, timeout=60, check=True)
    return list(json.loads(done.stdout))


def test_it_runs_a_developers_selection_on_the_parallel_workers() -> None:
    for argv, args in zip(PARALLEL, _pytest_args(PARALLEL), strict=True):
        assert args == ["-n", "2", *argv]


def test_it_leaves_the_workers_to_a_developer_who_chose_or_needs_none() -> None:
    for argv, args in zip(SERIAL, _pytest_args(SERIAL), strict=True):
        assert args == argv, argv


def test_the_readme_documents_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "並列" in readme and "-p no:xdist" in readme


# --- ./kasane demo: the db_worker stops with the launcher --------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its parent counts as gone
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(") ", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _start_serve(tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    """``cli._serve`` (uvicorn with the real ASGI app) with a stand-in worker that writes its
    pid and sleeps; returns the launcher and the worker's pid once both are up."""
    import time
    import urllib.request

    port = _free_port()
    pidfile = tmp_path / "worker.pid"
    worker = (f"import os, time; open({str(pidfile)!r}, 'w').write(str(os.getpid())); "
              "time.sleep(600)")
    script = ("import sys; from kasane import cli; "
              f"sys.exit(cli._serve({str(port)!r}, worker_command=[sys.executable, '-c', {worker!r}]))")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "KASANE_VAR_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "kasane.settings"}
    env.pop("KASANE_DATABASE_URL", None)
    launcher = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path, env=env,  # noqa: S603
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert launcher.poll() is None, launcher.stderr.read() if launcher.stderr else ""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/favicon.ico", timeout=2) as r:  # noqa: S310
                if r.status == 200 and pidfile.exists() and pidfile.read_text():
                    return launcher, int(pidfile.read_text())
        except OSError:
            pass
        time.sleep(0.2)
    launcher.kill()
    raise AssertionError("the server did not start")


def _gone_within(pid: int, seconds: float) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_stopping_the_demo_by_its_pid_stops_the_worker(tmp_path: Path, how: str) -> None:
    import signal

    if how == "SIGKILL" and not sys.platform.startswith("linux"):
        pytest.skip("the worker follows a killed launcher only on Linux (PR_SET_PDEATHSIG)")
    launcher, worker_pid = _start_serve(tmp_path)
    try:
        launcher.send_signal(getattr(signal, how))
        launcher.wait(timeout=30)
        assert _gone_within(worker_pid, 15), "the db_worker outlived the launcher"
    finally:
        if launcher.poll() is None:
            launcher.kill()
        if _alive(worker_pid):
            os.kill(worker_pid, signal.SIGKILL)


# --- the launcher says what it is doing while it installs ---------------------------------------

def test_the_launcher_prints_progress_while_it_installs(tmp_path: Path) -> None:
    import shutil

    shutil.copy(ROOT / "kasane", tmp_path / "kasane")
    (tmp_path / "requirements.lock").write_text("django==5.2\n", encoding="utf-8")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(  # the venv's python: only runs kasane.cli
        '#!/bin/sh\necho "python $*" >> "$(dirname "$0")/calls"\n', encoding="utf-8")
    (bin_dir / "uv").write_text(
        '#!/bin/sh\necho "uv $*" >> "$(dirname "$0")/calls"\necho "Installed 1 package" >&2\n',
        encoding="utf-8")
    for stub in ("python", "uv"):
        (bin_dir / stub).chmod(0o755)
    done = subprocess.run(["sh", str(tmp_path / "kasane"), "check"], cwd=tmp_path,  # noqa: S603, S607
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    calls = (bin_dir / "calls").read_text(encoding="utf-8")
    install = next(line for line in calls.splitlines() if line.startswith("uv pip install"))
    assert " -q" not in install  # uv shows its own progress
    assert "installing dependencies from requirements.lock" in done.stderr
    assert "[2/2]" in done.stderr and "Installed 1 package" in done.stderr
    assert "dependencies ready after" in done.stderr
    assert "python -m kasane.cli check" in calls
