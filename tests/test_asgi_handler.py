"""``kasane.asgi.OneHopASGIHandler``: the production ASGI application runs the middleware chain
in one thread hop per request, with the same answers as Django's own chain.

The handler is driven in-process (ASGI messages by hand) from ``async_to_sync``, so its sync
steps run in the test's thread and see the test database. ``sync_to_async`` steps are counted
by wrapping asgiref's ``SyncToAsync.__call__``.
"""

from __future__ import annotations

import asyncio
import gzip
import warnings
from collections.abc import Mapping
from typing import Any

import pytest
from asgiref import sync as asgiref_sync
from asgiref.sync import async_to_sync
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from kasane.asgi import OneHopASGIHandler
from kasane.core.live_server import session_cookie


def _serve(handler: ASGIHandler, path: str, cookie: str = "", *,
           gzip_ok: bool = False) -> tuple[int, dict[str, str], bytes, int]:
    """(status, headers, body, sync_to_async steps) of one GET through ``handler``."""
    headers = [(b"host", b"testserver"), (b"cookie", cookie.encode())]
    if gzip_ok:
        headers.append((b"accept-encoding", b"gzip"))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    sent: list[Mapping[str, Any]] = []
    hops = 0
    original = asgiref_sync.SyncToAsync.__call__

    async def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal hops
        hops += 1
        return await original(self, *args, **kwargs)

    async def run() -> None:
        first = True
        done = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal first
            if first:
                first = False
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()  # the client stays until the whole response has come
            return {"type": "http.disconnect"}

        async def send(message: Mapping[str, Any]) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        await handler(scope, receive, send)

    asgiref_sync.SyncToAsync.__call__ = counting  # type: ignore[method-assign]
    # as Django's test clients do: the test's connection is inside the test transaction, and
    # closing "old" connections at the request's start or end would close it
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e.g. a file read whole into memory
            async_to_sync(run)()
    finally:
        asgiref_sync.SyncToAsync.__call__ = original  # type: ignore[method-assign]
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    start = sent[0]
    head = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], head, b"".join(m.get("body", b"") for m in sent[1:]), hops


@pytest.fixture
def handler() -> OneHopASGIHandler:
    return OneHopASGIHandler()


def test_it_serves_a_signed_in_page_in_one_hop_where_django_takes_many(city, handler) -> None:
    cookie = session_cookie(city.recorder)
    status, head, body, hops = _serve(handler, "/", cookie, gzip_ok=True)
    assert status == 200
    assert head["content-encoding"] == "gzip"
    assert "わたしの仕事" in gzip.decompress(body).decode()
    assert head["x-request-id"] and "frame-ancestors 'none'" in head["content-security-policy"]
    assert hops <= 3  # request_started, the chain, closing the response
    stock_status, _, stock_body, stock_hops = _serve(ASGIHandler(), "/", cookie, gzip_ok=True)
    assert stock_status == 200 and "わたしの仕事" in gzip.decompress(stock_body).decode()
    assert stock_hops > 10  # Django's async chain: a hop per MiddlewareMixin step and load


def test_the_gate_still_requires_the_second_factor(city, settings, handler) -> None:
    settings.KASANE_REQUIRE_MFA = True
    status, head, _, _ = _serve(handler, "/", session_cookie(city.recorder))
    assert status == 302
    assert head["location"].startswith("/accounts/otp")


def test_an_anonymous_request_goes_to_the_login_page(db, handler) -> None:
    status, head, _, _ = _serve(handler, "/")
    assert status == 302
    assert head["location"].startswith("/accounts/login")


def test_the_async_event_stream_still_streams(city, settings, handler) -> None:
    settings.KASANE_SSE_HEARTBEAT_SECONDS = 0.01
    settings.KASANE_SSE_MAX_SECONDS = 0.05
    status, head, body, _ = _serve(handler, "/events/stream", session_cookie(city.recorder),
                                   gzip_ok=True)
    assert status == 200
    assert head["content-type"].startswith("text/event-stream")
    assert "content-encoding" not in head
    assert body.startswith(b"retry: 5000\nevent: hello\n")


def test_static_files_still_reach_asgi_in_batches(db, handler) -> None:
    status, head, body, _ = _serve(handler, "/static/kasane/kasane.css")
    assert status == 200
    assert head["content-type"].startswith("text/css")
    assert len(body) > 1000 and int(head["content-length"]) == len(body)
