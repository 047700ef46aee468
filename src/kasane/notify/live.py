"""Live delivery to open pages: publish (sync, in the writer's transaction) and the per-process
hub (async, on the ASGI event loop) that fans events out to this worker's SSE clients.

On PostgreSQL ``publish`` runs ``pg_notify`` inside the writer's transaction, so the event
leaves only if the transaction commits; each worker process keeps ONE ``LISTEN`` connection
(async psycopg) and hands each event to the queues of the SSE clients it concerns — never one
database connection per client. On SQLite (demo, tests) the event is handed to this process's
hub after commit; other processes see it through the polling fallback (the header's badge).

Payloads carry user ids, a kind, an object id, a non-identifying title and a link: never
personal data.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

logger = logging.getLogger(__name__)

CHANNEL = "kasane_events"
MAX_PAYLOAD = 7000  # PostgreSQL's NOTIFY payload limit is 8000 bytes
RECONNECT_SECONDS = 1.0


def uses_listen() -> bool:
    return connection.vendor == "postgresql"


def _payloads(user_ids: list[int], event: str, data: dict[str, Any]) -> list[str]:
    """One or more JSON payloads, the user list split so each stays under NOTIFY's limit."""
    out: list[str] = []
    step = 500
    for i in range(0, len(user_ids), step):
        out.append(json.dumps({"u": user_ids[i:i + step], "e": event, "d": data},
                              separators=(",", ":"), ensure_ascii=False))
    return [p for p in out if len(p.encode()) <= MAX_PAYLOAD]


def publish(user_ids: Iterable[int], event: str, data: dict[str, Any]) -> None:
    """Send ``event`` to the open pages of ``user_ids`` once the current transaction commits."""
    ids = sorted({int(u) for u in user_ids})
    if not ids:
        return
    payloads = _payloads(ids, event, data)
    if uses_listen():
        with connection.cursor() as cursor:
            for payload in payloads:
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])
        return

    def hand_over() -> None:
        for payload in payloads:
            HUB.dispatch_threadsafe(payload)

    transaction.on_commit(hand_over)


class Hub:
    """This process's SSE clients by user id, fed by one LISTEN connection (PostgreSQL) or by
    ``publish`` directly (SQLite)."""

    def __init__(self) -> None:
        self.clients: dict[int, set[asyncio.Queue[tuple[str, dict[str, Any]]]]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.listener: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()
        self.connections_opened = 0

    # -- clients ---------------------------------------------------------------------------
    def subscribe(self, user_id: int) -> asyncio.Queue[tuple[str, dict[str, Any]]]:
        self.loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue(maxsize=100)
        self.clients.setdefault(user_id, set()).add(queue)
        return queue

    def unsubscribe(self, user_id: int, queue: asyncio.Queue[tuple[str, dict[str, Any]]]) -> None:
        queues = self.clients.get(user_id)
        if queues is not None:
            queues.discard(queue)
            if not queues:
                self.clients.pop(user_id, None)

    @property
    def client_count(self) -> int:
        return sum(len(q) for q in self.clients.values())

    # -- events ----------------------------------------------------------------------------
    def dispatch(self, payload: str) -> int:
        """Hand one payload to the queues of its users; returns how many clients got it."""
        try:
            message = json.loads(payload)
            users, event, data = message["u"], str(message["e"]), dict(message["d"])
        except (ValueError, KeyError, TypeError):
            logger.warning("ignored a malformed live event")
            return 0
        sent = 0
        for user_id in users:
            for queue in list(self.clients.get(int(user_id), ())):
                with contextlib.suppress(asyncio.QueueFull):  # a stuck client loses events,
                    queue.put_nowait((event, data))           # the badge poll catches up
                    sent += 1
        return sent

    def dispatch_threadsafe(self, payload: str) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            if asyncio.get_running_loop() is loop:
                self.dispatch(payload)
                return
        except RuntimeError:
            pass
        loop.call_soon_threadsafe(self.dispatch, payload)

    # -- the one LISTEN connection of this process ----------------------------------------
    async def listening(self, conninfo: dict[str, Any], timeout: float = 5.0) -> bool:
        """Start the LISTEN task once per process (per event loop) and wait until it listens
        (a client told ``hello`` misses nothing committed afterwards)."""
        loop = asyncio.get_running_loop()
        if self.listener is None or self.listener.done() or self.listener.get_loop() is not loop:
            self.loop = loop
            self.ready = asyncio.Event()
            self.listener = loop.create_task(self._listen(conninfo))
        try:
            await asyncio.wait_for(self.ready.wait(), timeout)
        except TimeoutError:
            return False  # the database is away: the stream still serves, the badge polls
        return True

    async def _listen(self, conninfo: dict[str, Any]) -> None:
        import psycopg

        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(autocommit=True, **conninfo)
                self.connections_opened += 1
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.ready.set()
                    async for notify in conn.notifies():
                        self.dispatch(notify.payload)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database restarted: reconnect, the badge poll catches up
                self.ready.clear()
                logger.warning("live events: LISTEN connection lost, reconnecting",
                               exc_info=True)
                await asyncio.sleep(RECONNECT_SECONDS)


HUB = Hub()


_CONNINFO: dict[str, Any] = {}


def listen_conninfo() -> dict[str, Any] | None:
    """Connection parameters of the default database for the LISTEN connection (None on
    SQLite: no LISTEN there)."""
    if not uses_listen():
        return None
    if not _CONNINFO:
        params = dict(connection.get_connection_params())
        for key in ("cursor_factory", "context", "server_side_binding", "prepare_threshold"):
            params.pop(key, None)
        _CONNINFO.update(params)
    return dict(_CONNINFO)
