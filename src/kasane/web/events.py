"""``GET /events/stream``: the signed-in user's server-sent event stream (text/event-stream).

An async view: the stream waits on the event loop and holds no thread and no database
connection while it is open (``core.streaming.release_request_thread``), so one worker keeps
thousands of them open beside its ordinary requests (docs/operations.md「同時接続数」).

For now the stream sends a ``hello`` event, then a comment line every
``KASANE_SSE_HEARTBEAT_SECONDS`` (proxies close idle connections), and ends after
``KASANE_SSE_MAX_SECONDS`` — the browser's EventSource reconnects by itself after ``retry``
milliseconds. The notifications issue feeds it from PostgreSQL LISTEN/NOTIFY. Events carry ids
and kinds, never personal data. The stream is not the user's activity: it does not renew the
session's idle timeout (``accounts.http.mark_passive``), so an open tab does not keep an
unattended session alive; once the session has expired, the reconnect is refused (401) and the
browser stops.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from kasane.accounts.http import mark_passive
from kasane.core.streaming import release_request_thread

logger = logging.getLogger(__name__)

RETRY_MS = 5000


class _Gauge:
    """Streams open in this process (tests; a future metrics endpoint)."""

    open = 0


streams = _Gauge()


def event(name: str, data: dict[str, object]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def _events(*, heartbeat: float, lifetime: float) -> AsyncIterator[bytes]:
    # The headers are sent and every middleware has run: from here on nothing needs the
    # request's thread or its database connection.
    await release_request_thread()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + lifetime
    streams.open += 1
    try:
        yield f"retry: {RETRY_MS}\n".encode() + event("hello", {"heartbeat": heartbeat})
        while (left := deadline - loop.time()) > 0:
            await asyncio.sleep(min(heartbeat, left))
            if deadline - loop.time() > 0:
                yield b": heartbeat\n\n"
        yield event("bye", {"reconnect": True})
    except asyncio.CancelledError:
        # The client went away: Django cancels the request's task. Nothing to undo yet.
        logger.debug("event stream closed by the client")
        raise
    finally:
        streams.open -= 1


@require_GET
async def stream(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    mark_passive(request)
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse("ログインしてください。", status=401,
                            content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(
        _events(heartbeat=max(0.01, float(settings.KASANE_SSE_HEARTBEAT_SECONDS)),
                lifetime=max(0.0, float(settings.KASANE_SSE_MAX_SECONDS))),
        content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
