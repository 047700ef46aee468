"""kasane.core.pgpool: a finished request's idle connection serves the next one; a connection
left in a transaction or after an error is closed, never reused (PostgreSQL only)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection


def _wrapper(size: int) -> Any:
    from kasane.core.pgpool.base import DatabaseWrapper

    settings = {**connection.settings_dict, "ENGINE": "kasane.core.pgpool",
                "OPTIONS": {**connection.settings_dict.get("OPTIONS", {}),
                            "kasane_pool_size": size}}
    return DatabaseWrapper(settings, alias=f"pooltest{size}")


def _pid(db: Any) -> int:
    with db.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


@pytest.fixture
def pooled(db: object) -> Any:
    if connection.vendor != "postgresql":
        pytest.skip("the pool is for PostgreSQL")
    first, second = _wrapper(1), _wrapper(1)
    yield first, second
    for w in (first, second):
        w.close()
    from kasane.core.pgpool import base

    for key in [k for k in base._pools if k[0] == "pooltest1"]:
        while not base._pools[key].empty():
            base._pools[key].get_nowait()[1].close()


def test_an_idle_connection_is_reused_by_the_next_request(pooled: Any) -> None:
    first, second = pooled
    pid = _pid(first)
    first.close()  # the end of a request
    assert _pid(second) == pid


def test_a_connection_with_an_open_transaction_is_not_reused(pooled: Any) -> None:
    first, second = pooled
    pid = _pid(first)
    first.connection.autocommit = False
    first.connection.execute("SELECT 1")  # a transaction is open now
    first.close()
    assert _pid(second) != pid


def test_the_pool_keeps_at_most_its_size(pooled: Any) -> None:
    first, second = pooled
    pids = {_pid(first), _pid(second)}
    first.close()
    second.close()  # the pool (size 1) is full: this one is closed
    third = _wrapper(1)
    try:
        assert _pid(third) in pids
        from kasane.core.pgpool.base import _pools

        assert sum(p.qsize() for k, p in _pools.items() if k[0] == "pooltest1") == 0
    finally:
        third.close()
