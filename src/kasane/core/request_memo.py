"""Per-request memo of the policy's visibility querysets (a read-only request builds each once).

A page asks the same policy question many times: the home inbox's sections each start from
``cases.policy.visible_cases(actor)``, which starts from ``access.policy.visible_persons``,
which starts from ``access.policy.active_grants`` … Building those querysets (nested ``Exists``
over grants, involvements, restrictions) is pure Python work repeated for every section — a
large share of a page's CPU. ``@memoised`` keeps the queryset a builder returned for the same
actor and arguments for the rest of the request, and hands each caller its own clone
(``.all()``: nothing evaluated is shared).

Only inside ``scope()``, which ``RequestMemoMiddleware`` opens for GET and HEAD requests: a
request that writes may create or end a grant, an involvement or a restriction and then ask
again, so it always builds afresh; so do tasks, commands and tests outside a request. The memo
changes no SQL — every query still carries the whole predicate and is answered by the database
at the time it runs; only the Python objects describing it are reused. (Across requests, the
builders themselves embed their rule precompiled per actor: ``access.compiled.pk_filter``.) A memoised call is
always one with the default time (``at=None``, "now" of the request) and no narrowing
``queryset``; other calls are built as before.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

F = TypeVar("F", bound=Callable[..., Any])
_memo: contextvars.ContextVar[dict[tuple[Any, ...], Any] | None] = contextvars.ContextVar(
    "kasane_request_memo", default=None)
SAFE_METHODS = frozenset({"GET", "HEAD"})
PLAIN = (str, int, type(None))  # arguments a memoised call may carry (purpose codes, flags)


@contextmanager
def scope() -> Iterator[None]:
    """Memoise ``@memoised`` builders until the block ends (one request)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def active() -> bool:
    return _memo.get() is not None


def _actor_key(actor: Any) -> tuple[Any, ...]:
    # everything a visibility rule reads from the actor: a changed role or organization is
    # another key, never a stale answer
    return (actor.pk, actor.user_id, actor.organization_id, actor.role, actor.is_active)


def memoised(fn: F) -> F:
    """Decorate a builder ``fn(actor, *args, at=None, **options) -> QuerySet`` whose answer
    depends only on the actor, the plain arguments (strings, numbers, None) and the time."""

    @functools.wraps(fn)
    def wrapper(actor: Any, *args: Any, **kwargs: Any) -> Any:
        memo = _memo.get()
        options = {k: v for k, v in kwargs.items() if k != "at"}
        if (memo is None or actor is None or kwargs.get("at") is not None
                or not all(isinstance(v, PLAIN) for v in (*args, *options.values()))):
            return fn(actor, *args, **kwargs)  # e.g. a narrowing queryset: built as before
        key = (fn.__module__, fn.__qualname__, *_actor_key(actor), args,
               *sorted(options.items()))
        found = memo.get(key)
        if found is None:
            found = memo[key] = fn(actor, *args, **kwargs)
        return found.all()

    return cast(F, wrapper)


class RequestMemoMiddleware:
    """Opens ``scope()`` for GET and HEAD requests (sync and async: under ASGI the context
    variable is set in the request's task and the view's thread works on a copy of it, which
    holds the same memo)."""

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
        if request.method not in SAFE_METHODS:
            return cast(HttpResponseBase, self.get_response(request))
        with scope():
            return cast(HttpResponseBase, self.get_response(request))

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in SAFE_METHODS:
            return cast(HttpResponseBase, await self.get_response(request))
        with scope():
            return cast(HttpResponseBase, await self.get_response(request))
