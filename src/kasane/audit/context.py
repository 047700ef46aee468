"""Per-request context (request id, IP, acting membership) read by audit services.

Set by ``RequestContextMiddleware``; background tasks and commands set it with
``request_context(...)`` so their rows name the actor and a request id too.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    user_id: int | None = None
    organization_id: int | None = None
    municipality_id: int | None = None


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "kasane_request_context", default=RequestContext()  # noqa: B039 - frozen, immutable
)


def current() -> RequestContext:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def update(**changes: object) -> None:
    """Fill in fields learnt later in the request (e.g. the user after authentication)."""
    _current.set(replace(_current.get(), **changes))  # type: ignore[arg-type]


@contextmanager
def request_context(**fields: object) -> Iterator[RequestContext]:
    token = _current.set(RequestContext(request_id=new_request_id(), **fields))  # type: ignore[arg-type]
    try:
        yield _current.get()
    finally:
        _current.reset(token)
