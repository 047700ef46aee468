"""core.streaming: sync bodies reach ASGI batch by batch, and a stream can give its thread back."""

from __future__ import annotations

import asyncio
import io
import threading
import warnings
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from asgiref.sync import SyncToAsync, ThreadSensitiveContext, sync_to_async

from kasane.core import streaming

T = TypeVar("T")


def _run(coroutine_function: Callable[[], Awaitable[T]]) -> T:
    """Run an async function to completion on a fresh event loop in its own thread: the
    e2e journeys leave Playwright's loop running in the test worker's main thread, where
    ``async_to_sync`` refuses to run."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_function())).result()  # type: ignore[arg-type]


def _collect(response: object) -> list[bytes]:
    async def run() -> list[bytes]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "must consume synchronous iterators" would fail
            return [part async for part in aiter(response)]  # type: ignore[call-overload]

    return _run(run)


def test_a_sync_body_reaches_asgi_in_batches_without_buffering_or_warning(monkeypatch) -> None:
    produced: list[int] = []
    batches: list[int] = []
    real = streaming._next_batch

    def counting(iterator: Iterator[bytes], limit: int) -> list[bytes]:
        batch = real(iterator, limit)
        batches.append(len(batch))
        return batch

    def rows() -> Iterator[bytes]:
        for i in range(10):
            produced.append(i)
            yield b"x" * 100

    monkeypatch.setattr(streaming, "_next_batch", counting)
    monkeypatch.setattr(streaming, "BATCH_BYTES", 250)
    parts = _collect(streaming.StreamingResponse(rows()))
    assert b"".join(parts) == b"x" * 1000
    assert batches == [3, 3, 3, 1, 0]  # never more than one batch (≥ 250 bytes) in memory
    assert produced == list(range(10))


def test_the_sync_side_is_unchanged() -> None:
    response = streaming.StreamingResponse(iter([b"a", "b"]))
    assert b"".join(response) == b"ab"


def test_a_file_reaches_asgi_in_blocks() -> None:
    response = streaming.FileDownloadResponse(io.BytesIO(b"0123456789" * 1000),
                                              content_type="application/octet-stream")
    response.block_size = 4096
    assert b"".join(_collect(response)) == b"0123456789" * 1000


def test_an_async_body_passes_through() -> None:
    async def body():  # noqa: ANN202
        yield b"a"
        yield b"b"

    assert _collect(streaming.StreamingResponse(body())) == [b"a", b"b"]


def test_release_request_thread_ends_the_requests_thread() -> None:
    """Inside a request's ThreadSensitiveContext (as under Django's ASGI handler)."""
    seen: dict[str, object] = {}

    async def request() -> None:
        async with ThreadSensitiveContext() as context:
            first = await sync_to_async(threading.current_thread)()
            executor = SyncToAsync.context_to_thread_executor[context]
            seen["released"] = await streaming.release_request_thread()
            seen["gone"] = context not in SyncToAsync.context_to_thread_executor
            executor.shutdown(wait=True)  # the old thread really ends
            seen["other_thread"] = await sync_to_async(threading.current_thread)() is not first
            seen["old_ended"] = not first.is_alive()

    # a fresh thread and loop: no sync caller above (the test thread would take the calls)
    worker = threading.Thread(target=lambda: asyncio.run(request()))
    worker.start()
    worker.join(10)
    assert seen == {"released": True, "gone": True, "other_thread": True, "old_ended": True}


def test_release_request_thread_does_nothing_outside_asgi() -> None:
    async def outside() -> bool:
        return await streaming.release_request_thread()

    assert _run(outside) is False


def test_an_any_thread_body_gives_the_request_thread_back_and_reads_on_the_pool(monkeypatch) -> None:
    """Under the ASGI handler (a per-request ThreadSensitiveContext): the request's thread ends
    when the body starts, and each batch runs on the event loop's thread pool."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(streaming, "BATCH_BYTES", 250)
    producers: list[threading.Thread] = []

    def rows() -> Iterator[bytes]:
        for _ in range(10):
            producers.append(threading.current_thread())
            yield b"x" * 100

    seen: dict[str, object] = {}

    async def request() -> None:
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=2, thread_name_prefix="pool"))
        async with ThreadSensitiveContext() as context:
            view_thread = await sync_to_async(threading.current_thread)()  # the view ran here
            body = [part async for part in streaming.StreamingResponse(rows(), any_thread=True)]
            seen["body"] = b"".join(body)
            seen["released"] = context not in SyncToAsync.context_to_thread_executor
            seen["view_thread_used"] = view_thread in producers

    worker = threading.Thread(target=lambda: asyncio.run(request()))
    worker.start()
    worker.join(10)
    assert seen == {"body": b"x" * 1000, "released": True, "view_thread_used": False}
    assert {t.name.split("_")[0] for t in producers} == {"pool"}
