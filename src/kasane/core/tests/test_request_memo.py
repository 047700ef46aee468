import asyncio
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from kasane.core import request_memo

built: list[tuple[Any, ...]] = []


@request_memo.memoised
def sessions_for(actor: Any, *, purpose: str | None = None,
                 at: dt.datetime | None = None) -> QuerySet[Session]:
    built.append((actor.pk, purpose, at))
    return Session.objects.filter(session_key=f"{actor.organization_id}-{actor.role}-{purpose}")


def actor(**changes: Any) -> SimpleNamespace:
    fields = {"pk": 1, "user_id": 2, "organization_id": 3, "role": "caseworker", "is_active": True}
    return SimpleNamespace(**{**fields, **changes})


def setup_function() -> None:
    built.clear()


def test_it_builds_every_time_outside_a_request() -> None:
    sessions_for(actor())
    sessions_for(actor())
    assert len(built) == 2


def test_it_builds_once_per_actor_and_arguments_inside_the_scope() -> None:
    with request_memo.scope():
        first = sessions_for(actor())
        second = sessions_for(actor())
        sessions_for(actor(), purpose="consent")
    assert len(built) == 2
    assert first is not second  # each caller gets its own clone
    assert str(first.query) == str(second.query)


def test_it_never_shares_an_evaluated_result() -> None:
    with request_memo.scope():
        first = sessions_for(actor())
        first._result_cache = []  # as if the first caller had evaluated it
        second = sessions_for(actor())
    assert second._result_cache is None


def test_it_builds_again_for_another_role_organization_or_state() -> None:
    with request_memo.scope():
        sessions_for(actor())
        sessions_for(actor(role="coordinator"))
        sessions_for(actor(organization_id=9))
        sessions_for(actor(is_active=False))
    assert len(built) == 4


def test_it_does_not_memoise_a_call_at_another_time() -> None:
    at = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    with request_memo.scope():
        sessions_for(actor(), at=at)
        sessions_for(actor(), at=at)
    assert len(built) == 2


def test_it_forgets_when_the_scope_ends() -> None:
    with request_memo.scope():
        sessions_for(actor())
    with request_memo.scope():
        sessions_for(actor())
    assert len(built) == 2


def _seen(request: HttpRequest) -> HttpResponse:
    return HttpResponse("memo" if request_memo.active() else "none")


def test_the_middleware_memoises_only_reading_requests() -> None:
    middleware = request_memo.RequestMemoMiddleware(_seen)
    factory = RequestFactory()
    assert middleware(factory.get("/")).content == b"memo"
    assert middleware(factory.head("/")).content == b"memo"
    assert middleware(factory.post("/")).content == b"none"
    assert not request_memo.active()


def test_the_async_middleware_memoises_only_reading_requests() -> None:
    async def view(request: HttpRequest) -> HttpResponse:
        return _seen(request)

    middleware = request_memo.RequestMemoMiddleware(view)
    factory = RequestFactory()

    def respond(request: HttpRequest) -> Any:
        # a fresh event loop in its own thread: the e2e journeys leave Playwright's loop
        # running in the test worker's thread, where asyncio.run refuses to start
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, middleware(request)).result()  # type: ignore[arg-type]

    assert respond(factory.get("/")).content == b"memo"
    assert respond(factory.post("/")).content == b"none"
