"""Whole answers (HTML, JSON) are gzipped in every serving mode — the WSGI handler of
``./kasane runserver`` and the ASGI handler of uvicorn — and event streams never are."""

from __future__ import annotations

import gzip
import json
import warnings

from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import AsyncClient

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_it_compresses_below_the_security_middleware_and_above_everything_else() -> None:
    assert settings.MIDDLEWARE[:2] == ["django.middleware.security.SecurityMiddleware",
                                       "kasane.web.middleware.CompressionMiddleware"]


def test_it_gzips_a_page_and_a_json_answer_over_wsgi(city, client) -> None:
    client.force_login(city.recorder)
    page = client.get("/", headers=GZIP)
    assert page.status_code == 200
    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    html = gzip.decompress(page.content).decode()
    assert "わたしの仕事" in html
    assert len(page.content) < len(html.encode())
    me = client.get("/api/v1/me", headers=GZIP)
    assert me["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(me.content))["username"] == "recorder"


def test_it_leaves_a_client_without_gzip_alone(city, client) -> None:
    client.force_login(city.recorder)
    page = client.get("/")
    assert not page.has_header("Content-Encoding")
    assert "わたしの仕事" in page.content.decode()


def _aget(client: AsyncClient, path: str) -> tuple[object, bytes]:
    async def run() -> tuple[object, bytes]:
        response = await client.get(path, headers=GZIP)
        body = (b"".join([part async for part in response]) if response.streaming
                else response.content)
        return response, body

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return async_to_sync(run)()


def test_it_gzips_a_page_over_asgi_but_never_the_event_stream(city, settings) -> None:
    settings.KASANE_SSE_HEARTBEAT_SECONDS = 0.01
    settings.KASANE_SSE_MAX_SECONDS = 0.05
    client = AsyncClient()
    client.force_login(city.recorder)
    page, body = _aget(client, "/")
    assert page["Content-Encoding"] == "gzip"  # type: ignore[index]
    assert "わたしの仕事" in gzip.decompress(body).decode()
    stream, body = _aget(client, "/events/stream")
    assert stream["Content-Type"].startswith("text/event-stream")  # type: ignore[index]
    assert not stream.has_header("Content-Encoding")  # type: ignore[attr-defined]
    assert body.startswith(b"retry: 5000\nevent: hello\n")
