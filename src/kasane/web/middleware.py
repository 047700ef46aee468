"""Content-Security-Policy on every response, compression and static files — all async-capable.

Under ASGI every middleware of the stack runs without a thread hop of its own when it is
async-capable; a sync-only one makes Django run everything below it through ``async_to_sync``
with a thread blocked meanwhile (docs/operations.md「同時接続数」).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from whitenoise.middleware import WhiteNoiseMiddleware

from kasane.core.streaming import FileDownloadResponse

GetResponse = Callable[[HttpRequest], Any]


class ContentSecurityPolicyMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self.__acall__(request)
        return self.add_headers(self.get_response(request))

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        return self.add_headers(await self.get_response(request))

    @staticmethod
    def add_headers(response: HttpResponseBase) -> HttpResponseBase:
        response.headers.setdefault("Content-Security-Policy", settings.KASANE_CSP)
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), microphone=(), geolocation=(), payment=()")
        return response


class StaticFileResponse(FileDownloadResponse):
    """WhiteNoise sets every header itself (like its own ``WhiteNoiseFileResponse``)."""

    def set_headers(self, filelike: Any) -> None:
        pass


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, async-capable, handing files to ASGI batch by batch (``core.streaming``):
    WhiteNoise's own response is read whole into memory under ASGI, with a warning each time."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse | None = None, settings: Any = settings) -> None:
        super().__init__(get_response, settings=settings)
        self.is_async = get_response is not None and iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        return super().__call__(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        if self.autorefresh:  # development only: looks at the file system
            static_file = await sync_to_async(self.find_file)(request.path_info)
        else:
            static_file = self.files.get(request.path_info)
        if static_file is not None:
            return await sync_to_async(self.serve)(static_file, request)  # opens the file
        response: HttpResponseBase = await self.get_response(request)
        return response

    @staticmethod
    def serve(static_file: Any, request: HttpRequest) -> StaticFileResponse:
        response = static_file.get_response(request.method, request.META)
        http_response = StaticFileResponse(response.file or (), status=int(response.status))
        del http_response["content-type"]
        for key, value in response.headers:
            http_response[key] = value
        return http_response


class CompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH mitigation: random bytes in every gzip header)
    for whole answers — HTML pages, JSON — in every serving mode (ASGI, ``runserver``).

    Streaming bodies are never compressed: a server-sent event stream (``text/event-stream``)
    must reach the browser event by event, and ``core.streaming`` hands files and CSV exports
    to the ASGI server batch by batch (wrapping them would undo that). Static files come
    precompressed from WhiteNoise in production. Under ASGI a streaming answer passes without
    a thread hop; a whole one is compressed on a pool thread, never on the event loop.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        super().__init__(get_response)
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        return self.process_response(request, cast(HttpResponseBase, self.get_response(request)))

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response = await cast(Awaitable[HttpResponseBase], self.get_response(request))
        if self.skips(response):
            return response
        return await sync_to_async(self.process_response, thread_sensitive=False)(
            request, response)

    @staticmethod
    def skips(response: HttpResponseBase) -> bool:
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        return response.streaming or content_type == "text/event-stream"

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if self.skips(response):
            return response
        return super().process_response(request, response)  # type: ignore[no-any-return]
