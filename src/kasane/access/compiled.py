"""A policy's visibility rule compiled to SQL once per actor, reused by later queries.

Every page embeds the policies' visibility querysets (``access.policy.visible_persons``,
``cases.policy.visible_cases``, ``sheets.policy.visible_records``, participation's matches)
in its queries. Building and compiling those nested Django expressions (``Exists`` over
grants, restrictions, involvements) costs more Python than the statements' own wait on a busy
machine (issue 21's profile: about half of a page's CPU), and the compiled SQL depends only
on the actor and on the time the grants are checked against. So the compiled (SQL, params) is
kept per

- *actor key*: every attribute of the membership the policies read (membership, user,
  organization, municipality, role, active flags) — a different actor, or the same one after
  a change of role or an ended membership, is a different key; so a cached predicate can only
  ever be served to an actor for whom the policy compiles to exactly that predicate;
- *shape*: which fragment (``"visible"``, ``"basis:search"``, ``"cases.visible_cases"`` …)
  and its plain arguments (a purpose), the database alias and vendor, today's local date, and
  the policy functions it was compiled through;

and the time is put back fresh on every use. Only the *text* of the predicate is cached:
every query still carries the whole rule and is answered by the database when it runs, so a
grant created or ended, an involvement ended or a restriction set is seen by the next query.

To find where the time goes, the fragment is compiled twice with two different sentinel
times: the SQL text must be identical and the params may differ only in the positions that
hold the sentinel itself (prepared as the grant's datetime field prepares it); those positions
get ``timezone.now()`` on each use. Anything else — a param derived from the time
(``at - 1 day``), SQL that changes with it, or a database query made while compiling (the
policy reading rows) — makes the fragment uncacheable: ``fragment`` then compiles it on every
call, ``pk_filter`` answers None and the policy builds its queryset as before. Entries also
expire after ``TTL`` seconds, so the cache never outlives a deployment's policy change by more
than that.

Two uses: search inlines ``fragment``'s (SQL, params) into each of its statements
(``people.selectors.persons``); the policies' memoised builders return
``Model.objects.filter(pk__in=<the rule's SELECT of ids>)`` through ``pk_filter``, so a
section query embeds a ready ``RawSQL`` instead of re-resolving and re-compiling the rule.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from kasane.accounts.models import Actor

from .models import Grant

MAX_ENTRIES = 2048  # ~5 shapes an actor; the largest (visible_records) ~15 KB of SQL
TTL = 300.0  # seconds
_SENTINELS = (dt.datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=dt.UTC),
              dt.datetime(2002, 3, 4, 5, 6, 7, 890123, tzinfo=dt.UTC))

Fragment = tuple[str, list[Any]] | None  # None: the actor sees nobody
Builder = Callable[[dt.datetime], Fragment]
M = TypeVar("M", bound=Model)


class _Uncacheable:
    pass


_UNCACHEABLE = _Uncacheable()
_entries: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()
_lock = threading.Lock()
stats = {"hits": 0, "misses": 0, "uncacheable": 0}


def actor_key(actor: Actor) -> tuple[Any, ...]:
    """Every attribute of the membership the policies read to compile their rules."""
    org = actor.organization
    return (actor.pk, actor.user_id, actor.organization_id, org.municipality_id, actor.role,
            actor.is_active, org.is_active)


def clear() -> None:
    """Forget every compiled fragment and zero the counters (tests; a deployment changes
    rules by restarting)."""
    with _lock:
        _entries.clear()
        stats.update(hits=0, misses=0, uncacheable=0)


def fragment(name: Hashable, actor: Actor, build: Builder, *, rule: tuple[Any, ...] = ()
             ) -> Fragment:
    """``build(now)`` — the policy fragment compiled for ``actor`` at the current time —
    from the cache when this actor and shape compiled to a time-only template before.
    ``name``: the shape (with its plain arguments, e.g. a purpose); ``rule``: the policy
    functions ``build`` goes through (part of the key, so a replaced rule — a test's
    monkeypatch, a reload — is never answered with the old one's SQL)."""
    entry = _entry(name, actor, build, rule)
    if entry is _UNCACHEABLE:
        return build(timezone.now())
    return _fill(entry)


def pk_filter(name: Hashable, actor: Actor, build: Callable[[dt.datetime], QuerySet[M]], *,
              rule: tuple[Any, ...] = (), implied: dict[str, Any] | None = None
              ) -> Callable[[QuerySet[M]], QuerySet[M]] | None:
    """The rule ``build(at)`` (a queryset of the visible rows at ``at``) as a narrowing of
    another queryset of the same model to ``pk IN (<the rule's SELECT of ids>)`` — compiled
    once for this actor and shape, the time put back fresh — or None when the rule cannot be
    cached (the caller then builds its queryset as before). An actor the rule shows nothing
    gets ``.none()``. ``implied``: plain column conditions the rule already contains (the
    tenant), repeated on the outer query so that its plan keeps their indexes. PostgreSQL
    only: SQLite (the demo) builds the rule each time — its parser's stack overflows on the
    nested subqueries a precompiled rule inside another policy's query makes (a sheet export)."""
    if connection.vendor != "postgresql":
        return None
    entry = _entry(name, actor, lambda at: _pk_select(build(at)), rule)
    if entry is _UNCACHEABLE:
        return None
    found = _fill(entry)
    if found is None:
        return _none
    sql, params = found
    raw = RawSQL(sql, params)  # noqa: S611 - the ORM's own compilation of the rule
    also = implied or {}
    return lambda qs: qs.filter(pk__in=raw, **also)


def _none(qs: QuerySet[M]) -> QuerySet[M]:
    return qs.none()


def _pk_select(qs: QuerySet[Any]) -> Fragment:
    """``SELECT <pk> FROM … WHERE <rule>`` of ``qs`` (no ordering), None when empty."""
    query = qs.order_by().values("pk").query
    try:
        sql, params = query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return None
    return sql, list(params)


def _entry(name: Hashable, actor: Actor, build: Builder, rule: tuple[Any, ...]) -> Any:
    """The cached template of ``build`` for this actor and shape (compiled on a miss)."""
    key = (name, connection.alias, connection.vendor, timezone.localdate(), actor_key(actor),
           rule)
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
    return entry


def _fill(entry: Any) -> Fragment:
    """A cacheable template with the current time in its time slots."""
    if entry is None:
        return None
    sql, params, slots = entry
    if not slots:
        return sql, list(params)
    prepared = _prep(timezone.now())
    out = list(params)
    for i in slots:
        out[i] = prepared
    return sql, out


def _prep(value: dt.datetime) -> Any:
    """A datetime as the ORM passes it to this database (the grant's validity fields)."""
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
