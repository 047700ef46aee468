"""Gives every request an id (also sent back as ``X-Request-ID``) and the client IP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from . import context


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind the one trusted reverse proxy, the *last* entry of
    X-Forwarded-For — the address the proxy itself saw and appended; earlier entries come from
    the client and could be forged to dodge the login rate limit or mislead the audit log
    (issue 22)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Sync and async: under ASGI the context variable is set in the request's task, and
    every ``sync_to_async`` step below it (views, services) runs with a copy of it."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self.__acall__(request)
        with context.request_context(ip=client_ip(request)) as ctx:
            request.request_id = ctx.request_id  # type: ignore[attr-defined]
            response: HttpResponseBase = self.get_response(request)
        response["X-Request-ID"] = ctx.request_id
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        with context.request_context(ip=client_ip(request)) as ctx:
            request.request_id = ctx.request_id  # type: ignore[attr-defined]
            response: HttpResponseBase = await self.get_response(request)
        response["X-Request-ID"] = ctx.request_id
        return response
