"""A real uvicorn server holds many event streams open without a thread each, and still answers.

The server (``asgi_server``) runs in a subprocess on its own SQLite file, with the event loop's
thread pool cut to 2. The test opens STREAMS signed-in ``/events/stream`` connections — far
more than threads available — checks every one received its ``hello`` and keeps receiving
heartbeats, counts the server's threads (Linux: /proc), and times ``/healthz``, a static file
and a streamed CSV export while the streams are open. Without ``release_request_thread`` every open stream kept one idle
thread (and its database connection) for as long as it was open.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from kasane.core.live_server import run_async

ROOT = Path(__file__).resolve().parents[4]
STREAMS = 50
POOL = 2
SLACK = 6  # threads of requests still winding down; one thread a stream would be +STREAMS


def _threads(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _dechunk(data: bytes) -> bytes:
    out = b""
    while True:
        size, rest = data.split(b"\r\n", 1)
        if int(size, 16) == 0:
            return out
        out += rest[:int(size, 16)]
        data = rest[int(size, 16) + 2:]


async def _request(port: int, path: str, cookie: str = "") -> tuple[int, bytes, float]:
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                 "Connection: close\r\n\r\n".encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    status = int(data.split(b" ", 2)[1])
    return status, data, time.monotonic() - started


async def _open_stream(port: int, cookie: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                 "Accept: text/event-stream\r\nAccept-Encoding: gzip, br\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"event: hello")
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    assert b"text/event-stream" in head
    assert b"content-encoding" not in head.lower()  # events pass uncompressed, one by one
    return reader, writer


async def _settled(pid: int, baseline: int | None) -> int | None:
    """The thread count once the last connecting requests have finished (a loaded machine may
    need a moment); with a thread held per stream it never gets there."""
    count = _threads(pid)
    for _ in range(50):
        if count is None or baseline is None or count <= baseline + SLACK:
            break
        await asyncio.sleep(0.1)
        count = _threads(pid)
    return count


async def _exercise(port: int, pid: int, cookie: str, static: str,
                    records: int) -> dict[str, object]:
    baseline = _threads(pid)
    streams = await asyncio.wait_for(
        asyncio.gather(*(_open_stream(port, cookie) for _ in range(STREAMS))), timeout=30)
    during = await _settled(pid, baseline)
    timings = []
    for _ in range(5):
        status, body, took = await asyncio.wait_for(_request(port, "/healthz"), timeout=10)
        assert status == 200 and b'"ok"' in body
        timings.append(took)
    status, body, took_static = await asyncio.wait_for(_request(port, static), timeout=10)
    assert status == 200 and len(body) > 1000
    # a streamed CSV export (small batches: it hops between pool threads) arrives whole
    status, body, took_csv = await asyncio.wait_for(
        _request(port, "/sheets/export/nine_grid/?format=csv", cookie), timeout=20)
    head, csv = body.split(b"\r\n\r\n", 1)
    assert status == 200 and b"transfer-encoding: chunked" in head.lower()
    csv = _dechunk(csv)
    assert csv.count(b"'=1+2") == records and f"課題{records - 1},".encode() in csv
    # every stream is alive: a heartbeat (1 s apart) arrives on each
    await asyncio.wait_for(asyncio.gather(*(r.readuntil(b": heartbeat") for r, _ in streams)),
                           timeout=10)
    still = _threads(pid)
    for _, writer in streams:
        writer.close()
    return {"baseline": baseline, "during": during, "still": still, "healthz": timings,
            "static": took_static, "csv": took_csv}


def test_many_event_streams_hold_no_thread_and_the_worker_still_answers(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ASGI_POOL": str(POOL),
           "PYTHONWARNINGS": "always"}
    env.pop("KASANE_DATABASE_URL", None)  # the server uses its own SQLite file in tmp_path
    server = subprocess.Popen([sys.executable, "-m", "kasane.web.tests.asgi_server",  # noqa: S603
                               str(tmp_path)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline() if server.stdout else ""
        assert line, server.stderr.read() if server.stderr else "no output"
        info = json.loads(line)
        result = run_async(_exercise(info["port"], info["pid"], info["cookie"], info["static"],
                                       info["records"]))
    finally:
        server.terminate()
        try:
            _, errors = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            _, errors = server.communicate()
    print(f"\n{STREAMS} streams, loop pool {POOL}: {result}")
    assert max(result["healthz"]) < 3.0, result  # type: ignore[type-var]
    assert "must consume" not in errors, errors[-2000:]  # no buffered streaming under ASGI
    if result["baseline"] is not None:
        assert result["during"] <= result["baseline"] + SLACK, result  # type: ignore[operator]
        assert result["still"] <= result["baseline"] + SLACK, result  # type: ignore[operator]
