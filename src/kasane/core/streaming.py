"""Streaming responses for ASGI: no whole-body buffering, no thread held by a waiting stream.

Django serves a ``StreamingHttpResponse`` (or ``FileResponse``) over a *sync* iterator under
ASGI by collecting the whole body first (``sync_to_async(list)``) and warns about it. The two
response classes here keep their sync iterator — WSGI and the test client read them exactly as
before — and give the ASGI handler an async iterator instead: each batch of chunks (at most
``BATCH_BYTES``) is produced by ``sync_to_async`` in the request's own thread (thread-sensitive:
the thread and database connection the view used, so a server-side cursor stays valid), then
sent from the event loop. Memory stays at one batch, and the thread is free while the client
receives it.

``release_request_thread()`` is for long-lived async responses (server-sent events): see
docs/operations.md「同時接続数」.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from asgiref.sync import SyncToAsync, sync_to_async
from django.db import connections
from django.http import FileResponse, StreamingHttpResponse

BATCH_BYTES = 256 * 1024


def _next_batch(iterator: Iterator[bytes], limit: int) -> list[bytes]:
    batch: list[bytes] = []
    size = 0
    while size < limit:
        chunk = next(iterator, None)
        if chunk is None:
            break
        batch.append(chunk)
        size += len(chunk)
    return batch


async def iterate_in_batches(iterator: Iterator[bytes], *,
                             limit: int = BATCH_BYTES) -> AsyncIterator[bytes]:
    """The chunks of a sync iterator, produced ``limit`` bytes at a time in the request's thread."""
    fetch = sync_to_async(_next_batch, thread_sensitive=True)
    while True:
        batch = await fetch(iterator, limit)
        if not batch:
            return
        for chunk in batch:
            yield chunk


async def _asgi_iter(response: StreamingHttpResponse) -> AsyncIterator[bytes]:
    if response.is_async:
        async for part in response.streaming_content:  # type: ignore[union-attr]
            yield part
    else:
        async for part in iterate_in_batches(iter(response.streaming_content),  # type: ignore[arg-type]
                                             limit=BATCH_BYTES):
            yield part


class StreamingResponse(StreamingHttpResponse):
    """``StreamingHttpResponse`` that ASGI consumes batch by batch (see the module docstring)."""

    def __aiter__(self) -> AsyncIterator[bytes]:
        return _asgi_iter(self)


class FileDownloadResponse(FileResponse):
    """``FileResponse`` that ASGI reads batch by batch in the request's thread."""

    def __aiter__(self) -> AsyncIterator[bytes]:
        return _asgi_iter(self)


def _close_connections() -> bool:
    """Close this thread's database connections; False (nothing closed) inside a transaction."""
    opened = connections.all(initialized_only=True)
    if any(conn.in_atomic_block for conn in opened):
        return False
    for conn in opened:
        conn.close()
    return True


async def release_request_thread() -> bool:
    """End the request's thread, and close the database connections it opened, before a wait.

    Django's ASGI handler runs every sync step of a request (signals, middleware, ORM calls)
    in a single-thread executor of its own (asgiref ``ThreadSensitiveContext``), kept until the
    response is finished. A response that stays open for minutes would keep that thread —
    idle, but a thread and often a database connection — for as long as it is open. Call this
    from the body of such a response, once streaming has begun (every middleware has run):
    the connections are closed in that thread, the executor is shut down, and a later sync step
    of the same request (closing the response) gets a fresh thread from asgiref.

    False, and nothing done, outside Django's ASGI handler (the test client) or inside a
    transaction.
    """
    context = SyncToAsync.thread_sensitive_context.get(None)
    if context is None or getattr(context, "_executor", None) is not None:
        return False  # no per-request executor, or one its creator owns
    executor = SyncToAsync.context_to_thread_executor.get(context)
    if executor is None:
        return True  # nothing ran in a thread yet
    if not await sync_to_async(_close_connections, thread_sensitive=True)():
        return False
    if SyncToAsync.context_to_thread_executor.get(context) is executor:
        del SyncToAsync.context_to_thread_executor[context]
    executor.shutdown(wait=False)
    return True
