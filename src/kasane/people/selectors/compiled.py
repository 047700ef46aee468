"""The access policy's person rule compiled to SQL once per actor, reused by later searches.

Search inlines the WHERE of ``policy.visible_persons`` and the basis columns of
``policy.basis_annotations`` into its one statement. Building and compiling those Django
expressions costs more Python than the statement's own wait on a busy machine (issue 21's
profile: about half of a search's CPU), and the result depends only on the actor and on the
time the grants are checked against. So the compiled (SQL, params) is kept per

- *actor key*: every attribute of the membership the policy reads (membership, user,
  organization, municipality, role, active flags) — a different actor, or the same one after
  a change of role or an ended membership, is a different key; so a cached predicate can only
  ever be served to an actor for whom the policy compiles to exactly that predicate;
- *shape*: which fragment (``"visible"``, ``"basis:search"``), the database alias and vendor,
  and the policy functions it was compiled through;

and the time is put back fresh on every use. To find where the time goes, the fragment is
compiled twice with two different sentinel times: the SQL text must be identical and the
params may differ only in the positions that hold the sentinel itself (prepared as the
grant's datetime field prepares it); those positions get ``timezone.now()`` on each use.
Anything else — a param derived from the time (``at - 1 day``), SQL that changes with it, or
a database query made while compiling (the policy reading rows) — makes the fragment
uncacheable and it is compiled on every call, as before. Entries also expire after
``TTL`` seconds, so the cache never outlives a deployment's policy change by more than that.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils import timezone

from kasane.accounts.models import Actor

MAX_ENTRIES = 512
TTL = 300.0  # seconds
_SENTINELS = (dt.datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=dt.UTC),
              dt.datetime(2002, 3, 4, 5, 6, 7, 890123, tzinfo=dt.UTC))

Fragment = tuple[str, list[Any]] | None  # None: the actor sees nobody
Builder = Callable[[dt.datetime], Fragment]


class _Uncacheable:
    pass


_UNCACHEABLE = _Uncacheable()
_entries: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()
_lock = threading.Lock()
stats = {"hits": 0, "misses": 0, "uncacheable": 0}


def actor_key(actor: Actor) -> tuple[Any, ...]:
    """Every attribute of the membership ``access.policy`` reads to compile its rule."""
    org = actor.organization
    return (actor.pk, actor.user_id, actor.organization_id, org.municipality_id, actor.role,
            actor.is_active, org.is_active)


def clear() -> None:
    with _lock:
        _entries.clear()


def fragment(name: str, actor: Actor, build: Builder, *, rule: tuple[Any, ...] = ()
             ) -> Fragment:
    """``build(now)`` — the policy fragment compiled for ``actor`` at the current time —
    from the cache when this actor and shape compiled to a time-only template before.
    ``rule``: the policy functions ``build`` goes through (part of the key, so a replaced
    rule — a test's monkeypatch, a reload — is never answered with the old one's SQL)."""
    key = (name, connection.alias, connection.vendor, actor_key(actor), rule)
    now = timezone.now()
    with _lock:
        found = _entries.get(key)
        if found is not None and found[0] > time.monotonic():
            _entries.move_to_end(key)
            entry = found[1]
        else:
            entry = None
    if entry is None:
        stats["misses"] += 1
        entry = _template(build)
        with _lock:
            _entries[key] = (time.monotonic() + TTL, entry)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    else:
        stats["hits"] += 1
    if entry is _UNCACHEABLE:
        stats["uncacheable"] += 1
        return build(now)
    if entry is None:
        return None
    sql, params, slots = entry
    if not slots:
        return sql, list(params)
    prepared = _prep(now)
    out = list(params)
    for i in slots:
        out[i] = prepared
    return sql, out


def _prep(value: dt.datetime) -> Any:
    """A datetime as the ORM passes it to this database (the grant's validity fields)."""
    from kasane.access.models import Grant

    return Grant._meta.get_field("valid_from").get_db_prep_value(value, connection,
                                                                  prepared=False)


def _template(build: Builder) -> Any:
    """(sql, params, positions of the time) — or None (sees nobody), or _UNCACHEABLE."""
    queried: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queried.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        first, second = (build(at) for at in _SENTINELS)
    if queried:
        return _UNCACHEABLE
    if first is None or second is None:
        return None if first is None and second is None else _UNCACHEABLE
    (sql, params), (sql2, params2) = first, second
    if sql != sql2 or len(params) != len(params2):
        return _UNCACHEABLE
    marks = tuple(_prep(at) for at in _SENTINELS)
    slots = [i for i, (a, b) in enumerate(zip(params, params2, strict=True)) if a != b]
    if any((params[i], params2[i]) != marks for i in slots):
        return _UNCACHEABLE
    if sum(1 for p in params if p in marks) != len(slots):  # a sentinel that did not change
        return _UNCACHEABLE
    return sql, list(params), tuple(slots)
