"""PostgreSQL backend that keeps a few idle connections per process (``KASANE_DB_POOL_SIZE``).

Why: under ASGI each request runs in a thread of its own that ends with it, so Django's
persistent connections (CONN_MAX_AGE) are never reused (docs/operations.md「同時接続数」) and
every request paid for a new PostgreSQL backend: connection, authentication, and a cold
catalog cache that makes the first planning of each query slow (docs/scaling.md: ~30 ms per
connection on the loaded bench machine). This backend hands a finished request's connection to
the next request instead of closing it. psycopg-pool (Django's own ``"pool"`` option) would do
the same; it is not a dependency (yet).

Contract: a connection goes back to the pool only when it is idle (no transaction open, no
atomic block, no error seen) and the pool holds fewer than ``POOL_SIZE`` idle connections;
otherwise it is closed as before. A connection idle for more than ``PING_AFTER`` seconds is
checked with ``SELECT 1`` before reuse (a restarted server). One pool per process and database
(alias, host, port, name, user). Kasane sets no session-level state (SET, LISTEN, session
advisory locks) on Django's connections — the LISTEN connection of notify.live is its own.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any

from django.db.backends.postgresql import base
from psycopg import IsolationLevel

PING_AFTER = 30.0
_pools: dict[tuple[str, ...], queue.LifoQueue[tuple[float, Any]]] = {}
_lock = threading.Lock()


def _pool(key: tuple[str, ...]) -> queue.LifoQueue[tuple[float, Any]]:
    with _lock:
        return _pools.setdefault(key, queue.LifoQueue())


def idle_connections() -> int:
    """Idle connections kept by this process (all databases)."""
    return sum(p.qsize() for p in _pools.values())


class DatabaseWrapper(base.DatabaseWrapper):
    def _pool_key(self) -> tuple[str, ...]:
        s = self.settings_dict
        return (self.alias, str(s.get("HOST")), str(s.get("PORT")), str(s.get("NAME")),
                str(s.get("USER")))

    def _pool_size(self) -> int:
        return int(self.settings_dict.get("OPTIONS", {}).get("kasane_pool_size", 0) or 0)

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        params.pop("kasane_pool_size", None)
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        if self._pool_size() and "isolation_level" not in self.settings_dict["OPTIONS"]:
            reused = self._take()
            if reused is not None:
                self.isolation_level = IsolationLevel.READ_COMMITTED
                return reused
        return super().get_new_connection(conn_params)

    def _take(self) -> Any:
        pool = _pool(self._pool_key())
        while True:
            try:
                since, conn = pool.get_nowait()
            except queue.Empty:
                return None
            if conn.closed:
                continue
            if time.monotonic() - since > PING_AFTER:
                try:
                    conn.execute("SELECT 1")
                except Exception:  # noqa: BLE001 - a broken connection: drop it, try the next
                    conn.close()
                    continue
            return conn

    def _close(self) -> None:
        conn = self.connection
        if conn is not None and self._pool_size() and self._reusable(conn):
            pool = _pool(self._pool_key())
            if pool.qsize() < self._pool_size():
                pool.put((time.monotonic(), conn))
                return None
        return super()._close()  # type: ignore[misc,no-any-return]

    def _reusable(self, conn: Any) -> bool:
        from psycopg.pq import TransactionStatus

        return (not conn.closed and not self.in_atomic_block and not self.needs_rollback
                and not self.errors_occurred
                and conn.info.transaction_status == TransactionStatus.IDLE)
