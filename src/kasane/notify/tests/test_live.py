"""Live delivery: the SSE stream carries notification / alert events to the signed-in user only.

In process (SQLite, AsyncClient): the writer hands the event to this process's hub after
commit. Real server (uvicorn on PostgreSQL, ``live_server``): several SSE clients of agency B
each receive the alert raised through the API within a second, without its summary, and the
worker keeps ONE listening database connection for all of them.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection
from django.test import AsyncClient, TestCase

from kasane.core.live_server import run_async
from kasane.notify import live, services
from kasane.people.tests.factories import actor

ROOT = Path(__file__).resolve().parents[4]
CLIENTS = 5


def test_the_hub_fans_out_to_the_users_queues_only() -> None:
    async def run() -> tuple[int, object, bool]:
        hub = live.Hub()
        mine, other = hub.subscribe(1), hub.subscribe(2)
        sent = hub.dispatch(json.dumps({"u": [1], "e": "alert", "d": {"id": 7}}))
        bad = hub.dispatch("not json")
        return sent + bad, mine.get_nowait(), other.empty()

    sent, got, other_empty = run_async(run())
    assert sent == 1 and got == ("alert", {"id": 7}) and other_empty


def test_the_stream_carries_an_alert_to_its_recipient(city, settings) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("in-process hand-over is the SQLite path; PostgreSQL: the server test")
    settings.KASANE_SSE_HEARTBEAT_SECONDS = 5
    settings.KASANE_SSE_MAX_SECONDS = 10
    client = AsyncClient()
    client.force_login(city.partner)

    def raise_alert() -> None:
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.alert_raise(actor=actor(city.recorder), urgency="immediate",
                                 summary="山田さん宅で倒れている", needed="訪問",
                                 target_organization_ids=[city.orgs["houkatsu"].pk])

    async def run() -> list[bytes]:
        response = await client.get("/events/stream")
        body = aiter(response.streaming_content)
        first = await anext(body)
        await sync_to_async(raise_alert)()
        got = [first]
        while not any(b"event: alert\n" in g for g in got):
            got.append(await asyncio.wait_for(anext(body), 2))
        return got

    chunks = async_to_sync(run)()
    text = b"".join(chunks).decode()
    assert "event: hello" in text and "event: notification" in text and "event: alert" in text
    assert "山田" not in text  # the summary never travels


def _pg_url() -> str | None:
    url = os.environ.get("KASANE_DATABASE_URL", "")
    return url if url.startswith("postgres") else None


@pytest.mark.skipif(_pg_url() is None, reason="needs PostgreSQL (KASANE_DATABASE_URL)")
def test_a_real_server_on_postgresql_delivers_alerts_to_every_client(tmp_path: Path) -> None:
    from kasane.notify.tests import live_server

    url = _pg_url()
    assert url is not None
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([sys.executable, "-m", "kasane.notify.tests.live_server",  # noqa: S603
                               str(tmp_path), url, str(CLIENTS)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    info: dict[str, object] = {}
    try:
        line = server.stdout.readline() if server.stdout else ""
        assert line, server.stderr.read() if server.stderr else ""
        info = json.loads(line)
        port = int(info["port"])  # type: ignore[call-overload]

        async def run() -> tuple[list[float], list[dict[str, object]], int]:
            streams = [await live_server.open_stream(port, c)
                       for c in info["cookies"]]  # type: ignore[union-attr]
            listening = live_server.listen_connections(url, str(info["database"]))
            started = time.perf_counter()
            waits = [asyncio.ensure_future(live_server.next_event(r, "alert")) for r, _ in streams]
            created = await asyncio.to_thread(live_server.raise_alert, port, str(info["token"]),
                                              int(info["org_b"]))  # type: ignore[call-overload]
            got = await asyncio.wait_for(asyncio.gather(*waits), 10)
            for _, writer in streams:
                writer.close()
            assert created["status"] == "raised"
            return [t - started for t, _ in got], [d for _, d in got], listening

        delays, data, listening = run_async(run())
        assert len(delays) == CLIENTS and max(delays) < 1.0, delays
        assert all(d["urgency"] == "immediate" and "summary" not in d for d in data)
        assert "倒れて" not in json.dumps(data, ensure_ascii=False)
        assert listening == 1  # one LISTEN connection for every client of the worker
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        live_server.drop_database(url, str(info.get("database", "")))


def test_one_listener_per_event_loop_however_many_streams(monkeypatch) -> None:
    hub = live.Hub()
    started: list[object] = []

    async def fake_listen(conninfo: dict[str, object]) -> None:
        started.append(asyncio.get_running_loop())
        hub.ready.set()
        await asyncio.sleep(3600)

    monkeypatch.setattr(hub, "_listen", fake_listen)

    async def streams(n: int) -> list[bool]:
        results = []
        for user_id in range(n):
            hub.subscribe(user_id)
            results.append(await hub.listening({}))
        assert hub.listener is not None
        hub.listener.cancel()
        return results

    assert run_async(streams(5)) == [True] * 5
    assert len(started) == 1  # five streams, one LISTEN
    run_async(streams(2))  # a new loop (a restarted worker) gets its own
    assert len(started) == 2
