"""Shared pieces of the real-server test helpers (``web/tests/asgi_server.py``,
``notify/tests/live_server.py``): each is a ``python -m`` script that sets up Django on its own
database, builds the schema straight from the models (migrations take seconds too long for a
unit test), prepares its data, prints one JSON line and serves ``kasane.asgi:application`` on
127.0.0.1 until terminated."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any


def setup_django(var: Path, database_url: str, *, heartbeat: int, max_seconds: int) -> None:
    """Point settings at ``var`` and ``database_url`` (development settings, no MFA, short SSE
    heartbeats), run ``django.setup()`` and create every managed model's table."""
    os.environ["KASANE_VAR_DIR"] = str(var)
    os.environ["KASANE_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")
    for name in ("KASANE_ENV", "KASANE_DEBUG"):
        os.environ.pop(name, None)
    os.environ["KASANE_REQUIRE_MFA"] = "0"
    os.environ.setdefault("KASANE_SSE_HEARTBEAT_SECONDS", str(heartbeat))
    os.environ.setdefault("KASANE_SSE_MAX_SECONDS", str(max_seconds))

    import django

    django.setup()
    from django.apps import apps
    from django.db import connection

    with connection.schema_editor() as editor:
        for model in (m for config in apps.get_app_configs() for m in config.get_models()):
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)


def session_cookie(user: Any) -> str:
    """``name=value`` of a signed-in session for ``user`` (a Cookie header's value)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


async def _uvicorn(sock: socket.socket) -> None:
    import uvicorn

    config = uvicorn.Config("kasane.asgi:application", log_level="warning", lifespan="off",
                            timeout_graceful_shutdown=1)
    await uvicorn.Server(config).serve(sockets=[sock])


def serve(info: dict[str, Any], *, backlog: int,
          before: Callable[[], Awaitable[None]] | None = None) -> None:
    """Bind 127.0.0.1 on a free port, print ``{"port", "pid", **info}`` as one JSON line and
    serve until terminated; ``before`` runs inside the event loop first (e.g. to cut its pool)."""
    from django.db import connection

    connection.close()  # the server's threads open their own
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(backlog)
    print(json.dumps({"port": sock.getsockname()[1], "pid": os.getpid(), **info}), flush=True)

    async def run() -> None:
        if before is not None:
            await before()
        await _uvicorn(sock)

    asyncio.run(run())


def in_own_thread(fn: Callable[[], Any]) -> Any:
    """``fn()`` on a thread of its own: an event loop or Playwright's sync API there never meets
    a loop another test left marked running on this thread (the e2e session browser's)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def run_async(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """``asyncio.run(coroutine)`` on a thread of its own (see ``in_own_thread``)."""
    return in_own_thread(lambda: asyncio.run(coroutine))
