"""The authorization matrix (issue 22 part B): every entry of ``rules.py`` (every page pattern
and API operation) × every actor of ``world.ACTORS`` (each role; own organization / other
organization; legal basis present / absent; the other tenant; signed out) → the expected
allow/deny, asserted from real requests. On every allowed answer the body (HTML, JSON, CSV,
Excel cell text, PDF text) must not hold the restricted person's address, postal code, phone
or restriction note unless the actor is named on the restriction; every allowed read of the
person page/API must leave an AccessLog row for that person; a refused write must write
nothing (no table but the access log and the session changes).

Speed: the world (the demo city) is built once per shard; each shard is one test, so the two
xdist workers take one each. On SQLite (the smoke run) only every fourth entry is run.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from kasane.api import api

from . import cells
from .kinds import fill
from .probe import ALLOW, DENY, body_text
from .rules import ENTRIES
from .vocabulary import Entry
from .world import ACTORS, KINDS, World, build

SHARDS = 2
PERSON_READS = {"people:detail", "GET /api/v1/persons/{person_id}"}
MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _shard(index: int) -> list[Entry]:
    """This shard's entries (``KASANE_AUTHZ_ONLY=people:,cases:`` narrows them while
    working on some lines)."""
    chosen = [e for i, e in enumerate(ENTRIES) if i % SHARDS == index]
    only = [k for k in os.environ.get("KASANE_AUTHZ_ONLY", "").split(",") if k]
    if only:
        chosen = [e for e in chosen if any(k in e.key for k in only)]
    if connection.vendor != "postgresql":
        chosen = chosen[::4]
    return chosen


class Tally:
    """What one shard asserted, for the session summary (``authz matrix: …`` line)."""

    def __init__(self) -> None:
        self.entries = self.cells = self.masking = self.logged = 0
        self.failures: list[str] = []


def _request(world: World, entry: Entry, actor: str, schema: dict[str, Any],
             inside: Any) -> tuple[Any, list[str]]:
    route = entry.key.split(" ", 1)[1] if entry.api else _route(entry.key)
    url = fill(route, world.ids[entry.kind])
    body = None
    if entry.api:
        path = entry.key.split(" ", 1)[1]
        operation = schema["paths"][path][entry.method]
        content = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if entry.method == "get":
            body = cells.sample_query(operation, world.ids[entry.kind])
        elif content:
            body = cells.sample_body(content.get("schema"), schema["components"]["schemas"],
                                     world.ids[entry.kind])
    return cells.run(world.users.get(actor), entry.method, url, body=body, api=entry.api,
                     inside=inside)


_ROUTES: dict[str, str] = {}


def _route(key: str) -> str:
    if not _ROUTES:
        from .inventory import pages

        _ROUTES.update({k: p.route for k, p in pages().items()})
    return _ROUTES[key]


def _cell(world: World, entry: Entry, actor: str, schema: dict[str, Any], tally: Tally) -> None:
    expected = ALLOW if actor in entry.allow else DENY
    user = world.users.get(actor)
    logged: list[bool] = []

    def inside(response: Any) -> None:
        if entry.key in PERSON_READS and user is not None and response.status_code == 200:
            from kasane.audit.models import AccessLog

            logged.append(AccessLog.objects.filter(user=user, person_id=world.restricted_id)
                          .exclude(basis="denied").exists())

    response, wrote = _request(world, entry, actor, schema, inside)
    got = cells.judged(response, entry.method)
    tally.cells += 1
    where = f"{entry.key} as {actor}: {response.status_code}"
    if not entry.body and response.status_code == 422:
        got = DENY  # the schema refused first: nobody was let through
    if got != expected and not entry.unsettled:
        tally.failures.append(f"{where} → {got}, expected {expected}")
    if wrote and (got == DENY or actor not in entry.writers):
        tally.failures.append(f"{where} wrote {wrote} though it may not change anything")
    if got == ALLOW and response.status_code == 200 and (user is None or user.pk not in world.named_user_ids):
        tally.masking += 1
        text = body_text(response)
        leaked = [s for s in world.secrets if s in text]
        if leaked:
            tally.failures.append(f"{where} shows masked {leaked}")
    if logged:
        tally.logged += 1
        if not logged[0]:
            tally.failures.append(f"{where} read the person without an AccessLog row")


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=MD5, DEMO_MODE=True)
@pytest.mark.parametrize("shard", range(SHARDS))
def test_the_authorization_matrix(shard: int, record_property: Any) -> None:
    world = build()
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    tally = Tally()
    for entry in _shard(shard):
        assert entry.kind in KINDS, entry
        tally.entries += 1
        for actor in ACTORS:
            _cell(world, entry, actor, schema, tally)
    for name in ("entries", "cells", "masking", "logged"):
        record_property(f"authz_{name}", getattr(tally, name))
    reads = [e for e in _shard(shard) if e.key in PERSON_READS]
    assert tally.cells > 0 and (not reads or tally.logged > 0)
    if tally.failures:
        pytest.fail(f"{len(tally.failures)} of {tally.cells} cells disagree with authz/rules.py:\n"
                    + "\n".join(tally.failures), pytrace=False)
