"""``GET /events/stream``: the signed-in user's server-sent event stream (text/event-stream).

An async view: the stream waits on the event loop and holds no thread and no database
connection while it is open (``core.streaming.release_request_thread``), so one worker keeps
thousands of them open beside its ordinary requests (docs/operations.md「同時接続数」).

The stream subscribes the user to this process's live hub (``kasane.notify.live.HUB``: one
PostgreSQL LISTEN connection per worker process, fanned out in memory; on SQLite the writer
hands events to the hub directly), sends a ``hello`` event once it listens, then each
``notification`` / ``alert`` / ``alert_update`` event for the user as it arrives, a comment line
every ``KASANE_SSE_HEARTBEAT_SECONDS`` without events (proxies close idle connections), and
ends after ``KASANE_SSE_MAX_SECONDS`` — the browser's EventSource reconnects by itself after
``retry`` milliseconds (the header's badge also polls: the fallback behind buffering proxies).
Events carry ids, kinds, non-identifying titles and links, never personal data. The stream is not the user's activity: it does not renew the
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
from kasane.notify import live

logger = logging.getLogger(__name__)

RETRY_MS = 5000


class _Gauge:
    """Streams open in this process (tests; a future metrics endpoint)."""

    open = 0


streams = _Gauge()


def event(name: str, data: dict[str, object]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def _events(*, user_id: int, heartbeat: float, lifetime: float,
                  conninfo: dict[str, object] | None) -> AsyncIterator[bytes]:
    # The headers are sent and every middleware has run: from here on nothing needs the
    # request's thread or its database connection.
    await release_request_thread()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + lifetime
    streams.open += 1
    queue = live.HUB.subscribe(user_id)
    try:
        if conninfo is not None:
            await live.HUB.listening(conninfo)
        yield f"retry: {RETRY_MS}\n".encode() + event("hello", {"heartbeat": heartbeat})
        while (left := deadline - loop.time()) > 0:
            try:
                name, data = await asyncio.wait_for(queue.get(), timeout=min(heartbeat, left))
            except TimeoutError:
                if deadline - loop.time() > 0:
                    yield b": heartbeat\n\n"
            else:
                yield event(name, data)
        yield event("bye", {"reconnect": True})
    except asyncio.CancelledError:
        # The client went away: Django cancels the request's task.
        logger.debug("event stream closed by the client")
        raise
    finally:
        live.HUB.unsubscribe(user_id, queue)
        streams.open -= 1


@require_GET
async def stream(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    mark_passive(request)
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse("ログインしてください。", status=401,
                            content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(
        _events(user_id=int(user.pk), conninfo=live.listen_conninfo(),
                heartbeat=max(0.01, float(settings.KASANE_SSE_HEARTBEAT_SECONDS)),
                lifetime=max(0.0, float(settings.KASANE_SSE_MAX_SECONDS))),
        content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
