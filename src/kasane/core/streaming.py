"""Streaming responses for ASGI: no whole-body buffering, no thread held by a waiting stream.

Django serves a ``StreamingHttpResponse`` (or ``FileResponse``) over a *sync* iterator under
ASGI by collecting the whole body first (``sync_to_async(list)``) and warns about it. The two
response classes here keep their sync iterator — WSGI and the test client read them exactly as
before — and give the ASGI handler an async iterator instead: each batch of chunks (at most
``BATCH_BYTES``) is produced by ``sync_to_async`` in the request's own thread (thread-sensitive:
the thread and database connection the view used, so a server-side cursor stays valid), then
sent from the event loop. Memory stays at one batch, and the thread is free while the client
receives it.

A body whose iterator holds no database cursor or thread-bound state between chunks (each
batch of rows is its own query) can say so with ``any_thread=True``: under Django's ASGI handler
the request's thread is then given back as the body starts (``release_request_thread``) and each
batch runs on the event loop's thread pool, its database connections closed afterwards (as
Channels' ``database_sync_to_async`` does). A slow download then holds neither a thread nor a
database connection between batches.

``release_request_thread()`` is also for long-lived async responses (server-sent events): see
docs/operations.md「同時接続数」.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import SyncToAsync, sync_to_async
from django.db import close_old_connections, connections
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


def _next_batch_pooled(iterator: Iterator[bytes], limit: int) -> list[bytes]:
    """``_next_batch`` on a pool thread: its database connections do not outlive the batch."""
    close_old_connections()
    try:
        return _next_batch(iterator, limit)
    finally:
        close_old_connections()


def _under_asgi_handler() -> bool:
    """Inside Django's ASGI handler (a per-request ThreadSensitiveContext), not the test client."""
    return SyncToAsync.thread_sensitive_context.get(None) is not None


async def iterate_in_batches(iterator: Iterator[bytes], *, limit: int = BATCH_BYTES,
                             any_thread: bool = False) -> AsyncIterator[bytes]:
    """The chunks of a sync iterator, produced ``limit`` bytes at a time: in the request's
    thread, or (``any_thread`` under the ASGI handler) on the event loop's thread pool after
    the request's thread has been given back."""
    if any_thread and _under_asgi_handler() and await release_request_thread():
        fetch = sync_to_async(_next_batch_pooled, thread_sensitive=False)
    else:
        fetch = sync_to_async(_next_batch, thread_sensitive=True)
    while True:
        batch = await fetch(iterator, limit)
        if not batch:
            return
        for chunk in batch:
            yield chunk


async def _asgi_iter(response: StreamingHttpResponse, *,
                     any_thread: bool = False) -> AsyncIterator[bytes]:
    if response.is_async:
        async for part in response.streaming_content:  # type: ignore[union-attr]
            yield part
    else:
        async for part in iterate_in_batches(iter(response.streaming_content),  # type: ignore[arg-type]
                                             limit=BATCH_BYTES, any_thread=any_thread):
            yield part


class StreamingResponse(StreamingHttpResponse):
    """``StreamingHttpResponse`` that ASGI consumes batch by batch (see the module docstring).

    ``any_thread=True``: the iterator keeps no cursor or thread-bound state between chunks."""

    def __init__(self, *args: Any, any_thread: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.any_thread = any_thread

    def __aiter__(self) -> AsyncIterator[bytes]:
        return _asgi_iter(self, any_thread=self.any_thread)


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
