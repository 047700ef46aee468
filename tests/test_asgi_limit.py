"""kasane.asgi.ConcurrencyLimit: at most N requests inside Django until their response starts;
the rest wait in order; event streams are not counted."""

from __future__ import annotations

import asyncio
from typing import Any

from kasane.asgi import ConcurrencyLimit
from kasane.core.live_server import run_async


def _run(limit: int, paths: list[str]) -> tuple[int, list[str]]:
    inside = 0
    peak = 0
    order: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        nonlocal inside, peak
        inside += 1
        peak = max(peak, inside)
        order.append(scope["path"])
        await asyncio.sleep(0.02)
        inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        if scope["path"].startswith("/events/"):
            await asyncio.sleep(0.2)  # a stream stays open
        await send({"type": "http.response.body", "body": b""})

    async def send(message: dict[str, Any]) -> None:
        return None

    async def main() -> None:
        limited = ConcurrencyLimit(app, limit)
        await asyncio.gather(*[limited({"type": "http", "path": p}, None, send) for p in paths])

    run_async(main())
    return peak, order


def test_at_most_the_limit_run_at_once_in_arrival_order() -> None:
    peak, order = _run(2, [f"/p{i}" for i in range(6)])
    assert peak == 2
    assert order == [f"/p{i}" for i in range(6)]


def test_without_a_limit_all_run_at_once() -> None:
    peak, _ = _run(0, [f"/p{i}" for i in range(6)])
    assert peak == 6


def test_event_streams_do_not_take_a_slot() -> None:
    peak, order = _run(1, ["/events/stream", "/events/stream", "/p1"])
    assert peak == 3  # the streams are exempt: all three are inside at once
    assert order[-1] == "/p1"
