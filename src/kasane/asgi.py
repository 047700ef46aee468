"""ASGI entry point: production runs gunicorn with uvicorn workers (docs/operations.md).

``KASANE_WORKER_CONCURRENCY=N`` (0 = no limit; the default is 8 in production, 0 elsewhere:
``settings.KASANE_WORKER_CONCURRENCY``) lets at most N requests of a worker run Django at once;
the others wait on the event loop in arrival order. Why: each sync request
runs in a thread of its own and the GIL gives one worker one core, so under overload dozens of
threads share it — a request holding row locks in a transaction gets the GIL rarely and every
request behind its locks waits with it (docs/scaling.md). A request's slot is given back as soon
as its response starts, so a long download or an event stream (``/events/``, exempt anyway)
does not hold one.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")
django_application = get_asgi_application()
EXEMPT = ("/events/", "/static/", "/healthz")


class ConcurrencyLimit:
    """ASGI wrapper: at most ``limit`` HTTP requests inside ``app`` until their response starts."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if (not self.limit or scope["type"] != "http"
                or str(scope.get("path", "")).startswith(EXEMPT)):
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.limit)
        semaphore = self._semaphore
        await semaphore.acquire()
        held = True

        async def send_releasing(message: dict[str, Any]) -> None:
            nonlocal held
            if held and message["type"] == "http.response.start":
                held = False
                semaphore.release()
            await send(message)

        try:
            await self.app(scope, receive, send_releasing)
        finally:
            if held:
                semaphore.release()


application = ConcurrencyLimit(django_application, settings.KASANE_WORKER_CONCURRENCY)
