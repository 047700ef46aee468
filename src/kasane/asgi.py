"""ASGI entry point: production runs gunicorn with uvicorn workers (docs/operations.md).

``KASANE_WORKER_CONCURRENCY=N`` (0 = no limit; the default is 8 in production, 0 elsewhere:
``settings.KASANE_WORKER_CONCURRENCY``) lets at most N requests of a worker run Django at once;
the others wait on the event loop in arrival order. Why: each sync request
runs in a thread of its own and the GIL gives one worker one core, so under overload dozens of
threads share it — a request holding row locks in a transaction gets the GIL rarely and every
request behind its locks waits with it (docs/scaling.md). A request's slot is given back as soon
as its response starts, so a long download or an event stream (``/events/``, exempt anyway)
does not hold one.

The Django application is :class:`OneHopASGIHandler`: Django's ASGI handler whose middleware
chain runs synchronously, entered with one ``sync_to_async`` step per request (see there).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import django
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")


class OneHopASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware chain built in sync mode and entered once.

    Every view but the event stream is sync, so a request's work — middlewares, view,
    template — runs in one thread either way. Django's async chain gets there through a
    ``sync_to_async`` hop for each ``process_request``/``process_response``/``process_view``
    of its ``MiddlewareMixin`` middlewares (security, session, common, CSRF, auth, messages,
    clickjacking) and for the session, user and device loads: ~21 hops a signed-in page, each
    a round trip through the event loop and a thread hand-off. Here the chain is the same as
    under WSGI (and the test client), run in the request's thread (asgiref's per-request
    ``ThreadSensitiveContext``, as before) with a single hop; an async view (the event
    stream) runs on the event loop through Django's own ``async_to_sync`` adapter, its
    response streamed from the loop as before. Request parsing, streaming bodies and the
    request signals are Django's unchanged ASGI code."""

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        handler: Any = self  # the stubs leave Django's private chain attribute untyped
        handler._middleware_chain = sync_to_async(handler._middleware_chain,
                                                  thread_sensitive=True)


django.setup(set_prefix=False)
django_application = OneHopASGIHandler()
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
