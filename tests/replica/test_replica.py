"""Read replicas (kasane.core.replica) against a real PostgreSQL streaming replica.

The pair (tests.replica.cluster: a throwaway primary and its ``pg_basebackup`` standby on two
127.0.0.1 ports, run as the postgres user) is started once for the module; the scenario runs
in a process of its own with both URLs (tests.replica.scenario) and reports what it observed.
Runs in the PostgreSQL run (``./kasane test`` as root with PostgreSQL installed: CI); skipped
with the reason otherwise. The router's unit behaviour without a replica is tested below too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.replica.cluster import ReplicaPair, unavailable_reason

ROOT = Path(__file__).resolve().parents[2]


def _postgres_run() -> bool:
    return os.environ.get("KASANE_DATABASE_URL", "").startswith("postgres")


@pytest.fixture(scope="module")
def observed() -> Iterator[dict[str, Any]]:
    if not _postgres_run():
        pytest.skip("the replica test runs in the PostgreSQL run (KASANE_DATABASE_URL)")
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"cannot start a PostgreSQL replica here: {reason}")
    pair = ReplicaPair.start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KASANE_")}
        env.update(PYTHONPATH=f"{ROOT}:{ROOT / 'src'}", KASANE_DATABASE_URL=pair.url("primary"),
                   KASANE_REPLICA_DATABASE_URL=pair.url("replica"),
                   KASANE_VAR_DIR=str(pair.root / "var"),
                   DJANGO_SETTINGS_MODULE="kasane.settings")
        done = subprocess.run([sys.executable, "-m", "tests.replica.scenario"],  # noqa: S603
                              env=env, capture_output=True, text=True, timeout=180, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        yield json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        pair.stop()


def test_the_replica_is_a_streaming_standby(observed: dict[str, Any]) -> None:
    assert observed["replica_in_recovery"] is True


def test_reads_go_to_the_primary_unless_opted_in(observed: dict[str, Any]) -> None:
    assert observed["plain_read"] == {"default": 1, "replica": 0}
    assert observed["opted_in_read"] == {"default": 0, "replica": 1}
    assert observed["write_inside_on_primary"] is True


def test_statistics_read_from_the_replica(observed: dict[str, Any]) -> None:
    assert observed["stats"]["replica"] > 0
    assert observed["stats"]["default"] == 0


def test_a_lagging_replica_never_shows_a_user_their_stale_data(observed: dict[str, Any]) -> None:
    assert observed["cookie"]  # the write left the primary's WAL position in the browser
    own = observed["own_while_paused"]
    assert "あなたの新しい組織" in own["names"]
    assert own["served_by"] == "default"
    # someone else (no cookie) is served by the paused replica: the lag is real
    other = observed["other_while_paused"]
    assert other["served_by"] == "replica"
    assert "あなたの新しい組織" not in other["names"]
    # a writing request reads only from the primary
    assert observed["writing_request_reads"]["served_by"] == "default"


def test_once_caught_up_the_user_reads_from_the_replica_again(observed: dict[str, Any]) -> None:
    after = observed["own_after_resume"]
    assert after["served_by"] == "replica"
    assert "あなたの新しい組織" in after["names"]
