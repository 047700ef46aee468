"""``/events/stream`` (async view) and the async path of the middleware stack (AsyncClient)."""

from __future__ import annotations

import asyncio
import warnings

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings as django_settings
from django.test import AsyncClient

from kasane.web import events


@pytest.fixture
def quick(settings) -> None:
    settings.KASANE_SSE_HEARTBEAT_SECONDS = 0.01
    settings.KASANE_SSE_MAX_SECONDS = 0.05


def _get(client: AsyncClient, path: str, *, read: bool = True) -> tuple[object, bytes]:
    async def run() -> tuple[object, bytes]:
        response = await client.get(path)
        if not read:
            return response, b""
        if response.streaming:
            body = b"".join([part async for part in response])
        else:
            body = response.content
        return response, body

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return async_to_sync(run)()


def test_it_refuses_anyone_not_signed_in(db, quick) -> None:
    response, body = _get(AsyncClient(), "/events/stream")
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert "ログイン" in body.decode()


def test_it_streams_hello_heartbeats_and_ends_after_its_lifetime(city, quick) -> None:
    client = AsyncClient()
    client.force_login(city.recorder)
    response, body = _get(client, "/events/stream")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("text/event-stream")  # type: ignore[index]
    assert response["Cache-Control"] == "no-cache"  # type: ignore[index]
    assert response["X-Accel-Buffering"] == "no"  # type: ignore[index]
    text = body.decode()
    assert text.startswith("retry: 5000\nevent: hello\n")
    assert ": heartbeat\n\n" in text
    assert text.endswith('event: bye\ndata: {"reconnect":true}\n\n')
    assert "recorder" not in text  # no personal data
    assert events.streams.open == 0


def test_the_stream_does_not_renew_the_session(city, quick) -> None:
    client = AsyncClient()
    client.force_login(city.recorder)
    ordinary, _ = _get(client, "/")
    assert django_settings.SESSION_COOKIE_NAME in ordinary.cookies  # type: ignore[attr-defined]
    stream, _ = _get(client, "/events/stream")
    assert django_settings.SESSION_COOKIE_NAME not in stream.cookies  # type: ignore[attr-defined]


def test_a_client_that_goes_away_closes_its_stream(city, settings) -> None:
    settings.KASANE_SSE_HEARTBEAT_SECONDS = 10
    settings.KASANE_SSE_MAX_SECONDS = 60
    client = AsyncClient()
    client.force_login(city.recorder)

    async def run() -> tuple[bytes, int, int]:
        response = await client.get("/events/stream")
        body = aiter(response.streaming_content)
        first = await anext(body)
        open_while_reading = events.streams.open
        reader = asyncio.ensure_future(anext(body))  # waits for a heartbeat 10 s away
        await asyncio.sleep(0.05)
        reader.cancel()  # what Django does when the client disconnects
        with pytest.raises(asyncio.CancelledError):
            await reader
        return first, open_while_reading, events.streams.open

    first, during, after = async_to_sync(run)()
    assert b"event: hello" in first
    assert (during, after) == (1, 0)


def test_the_async_middleware_stack_serves_sync_views(city) -> None:
    client = AsyncClient()
    client.force_login(city.recorder)
    response, body = _get(client, "/")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response["X-Request-ID"]  # type: ignore[index]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]  # type: ignore[index]
    assert "recorder" in body.decode()  # the acting user reached the view


def test_the_async_gate_still_requires_the_second_factor(city, settings) -> None:
    settings.KASANE_REQUIRE_MFA = True
    client = AsyncClient()
    client.force_login(city.recorder)
    response, _ = _get(client, "/", read=False)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"].startswith("/accounts/otp")  # type: ignore[index]
    response, _ = _get(client, "/events/stream", read=False)
    assert response.status_code == 302  # type: ignore[attr-defined]


def test_static_files_reach_asgi_in_batches(db) -> None:
    response, body = _get(AsyncClient(), "/static/kasane/kasane.css")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("text/css")  # type: ignore[index]
    assert len(body) > 1000 and int(response["Content-Length"]) == len(body)  # type: ignore[index]


def test_only_asgi_pages_open_the_event_stream(city, client) -> None:
    """Under WSGI (the test client, Django's live server) a stream would be held whole: the
    page keeps to the badge's polling and opens no EventSource."""
    client.force_login(city.recorder)
    assert "data-events-url" not in client.get("/").content.decode()
    async_client = AsyncClient()
    async_client.force_login(city.recorder)
    _, body = _get(async_client, "/")
    assert 'data-events-url="/events/stream"' in body.decode()
