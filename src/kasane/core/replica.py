"""Read replicas: statistics and report reads may go to a PostgreSQL streaming replica.

Off unless ``KASANE_REPLICA_DATABASE_URL`` is set (then ``DATABASES["replica"]``, this router
and :class:`ReplicaMiddleware` are installed by the settings). The contract:

- Every write goes to the primary (``default``); so does every read, **except** reads inside
  ``using_replica()`` — the explicit opt-in of the statistics and report code
  (``stats.selectors.values_for``, ``pdca.report.build_plan`` / ``build_report``; see
  docs/scaling.md). Nothing else reads from the replica.
- Read-your-writes: a request with an unsafe method (POST, PUT, PATCH, DELETE) reads only from
  the primary, and its response carries the primary's WAL position after the write
  (cookie ``kasane_primary_lsn``). Later requests of that browser read from the replica only once
  the replica has replayed up to that position (``pg_last_wal_replay_lsn()``, asked once per
  request); until then they read from the primary. A lagging (or paused) replica therefore
  never shows a user data older than their own last write — however long the lag lasts.
- A replica that cannot be asked sends the reads of a browser with a cookie to the primary;
  reads of the others fail as any database read would (monitor the replica).

Outside a request (tasks, commands) ``using_replica()`` reads from the replica unconditionally.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from contextlib import ContextDecorator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponseBase

REPLICA = "replica"
COOKIE = "kasane_primary_lsn"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_LSN = re.compile(r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$")


@dataclass
class _RequestState:
    wrote: bool  # an unsafe method: every read of this request stays on the primary
    lsn: str | None  # from the cookie: the primary's WAL position after this browser's write
    caught_up: bool | None = None  # the replica has replayed up to ``lsn`` (asked once)


_opted_in: ContextVar[int] = ContextVar("kasane_replica_opted_in", default=0)
_request: ContextVar[_RequestState | None] = ContextVar("kasane_replica_request", default=None)


def enabled() -> bool:
    return REPLICA in settings.DATABASES


class using_replica(ContextDecorator):  # noqa: N801 - used like a function: with using_replica()
    """Reads inside go to the replica when one is configured (module docstring for when not).
    Also a decorator: ``@using_replica()``. Writes inside still go to the primary."""

    def _recreate_cm(self) -> using_replica:
        return type(self)()  # a fresh token per call: the decorator is shared by threads

    def __enter__(self) -> using_replica:
        self._token = _opted_in.set(_opted_in.get() + 1)
        return self

    def __exit__(self, *exc: object) -> None:
        _opted_in.reset(self._token)


def replica_lsn_reached(lsn: str) -> bool:
    """Whether the replica has replayed the primary's WAL up to ``lsn`` (False when it cannot
    be asked). A server that is no standby (NULL replay position) counts as caught up."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() IS NULL "
                           "OR pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            row = cursor.fetchone()
    except Exception:  # noqa: BLE001 - an unreachable replica: read from the primary
        return False
    return bool(row and row[0])


def primary_lsn() -> str:
    """The primary's current WAL insert position: past the commit records of this request's
    writes. (Not ``pg_current_wal_lsn()``, the *write* position: with asynchronous commit a
    commit record may still be in the WAL buffers, behind it.)"""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        row = cursor.fetchone()
    return str(row[0]) if row else ""


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: see the module docstring."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _opted_in.get() or not enabled():
            return None
        state = _request.get()
        if state is None or (not state.wrote and state.lsn is None):
            return REPLICA
        if state.wrote:
            return None
        if state.caught_up is None:
            state.caught_up = replica_lsn_reached(state.lsn or "")
        return REPLICA if state.caught_up else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # a standby is read-only: it gets the schema by replication


class ReplicaMiddleware:
    """Marks each request (unsafe method? the browser's last-write cookie) for the router, and
    after a write sets the cookie to the primary's WAL position. Sync and async."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self.__acall__(request)
        token = _request.set(_state_of(request))
        try:
            response: HttpResponseBase = self.get_response(request)
        finally:
            _request.reset(token)
        if request.method in UNSAFE:
            _set_cookie(response, primary_lsn())
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        token = _request.set(_state_of(request))
        try:
            response: HttpResponseBase = await self.get_response(request)
        finally:
            _request.reset(token)
        if request.method in UNSAFE:
            _set_cookie(response, await sync_to_async(primary_lsn)())
        return response


def _state_of(request: HttpRequest) -> _RequestState:
    lsn = request.COOKIES.get(COOKIE, "")
    return _RequestState(wrote=request.method in UNSAFE,
                         lsn=lsn if _LSN.match(lsn) else None)


def _set_cookie(response: HttpResponseBase, lsn: str) -> None:
    if not _LSN.match(lsn):
        return
    response.set_cookie(COOKIE, lsn, max_age=settings.KASANE_REPLICA_PIN_SECONDS,
                        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
