"""Bulk inserts without model instances, for the hot paths of a large import.

``insert_rows(Model, rows)`` writes one row per mapping (attname → value; a missing field
gets its default, ``auto_now``/``auto_now_add`` fields the time of the call) with the values
each field's own ``get_db_prep_save`` prepares — the rows ``bulk_create`` would write — in
one statement per batch: ``COPY … FROM STDIN`` on PostgreSQL (psycopg 3; up to ``SMALL`` rows
one ``INSERT … SELECT FROM unnest(<one array per column>)``, which saves COPY's extra round
trip), ``executemany`` elsewhere
(SQLite). With ``returning_ids`` the primary keys come back in order: on PostgreSQL
they are drawn from the table's sequence in one query before the COPY; elsewhere the rows go
in through ``bulk_create`` (SQLite returns the keys). No save() hooks or signals run; call it
only for models whose writes need none (audit rows, persons created by a service that does
its own checks)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

BATCH = 5000
# Up to this many rows (a page of search results' access-log rows) go in as ONE multi-row
# INSERT: a COPY costs an extra round trip (COPY IN → data → done), which dominates so few rows.
SMALL = 200


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _default(field: models.Field[Any, Any], now: Any) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()


# Fields whose Python values psycopg's COPY writes as they are (str, int, bool, date,
# aware datetime, None): no get_db_prep_save call per value on PostgreSQL.
PLAIN_TYPES = frozenset({
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField",
    "DateTimeField", "ForeignKey", "IntegerField", "OneToOneField", "PositiveBigIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField", "SmallIntegerField",
    "TextField"})


def _prepared(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> tuple[
        list[models.Field[Any, Any]], list[list[Any]]]:
    """The model's fields and, per field, the column of its prepared values (one per row)."""
    fields = _fields(model)
    now = timezone.now()
    conn = connections[DEFAULT_DB_ALIAS]  # once: the proxy looks it up on every attribute
    plain = conn.vendor == "postgresql"
    columns = []
    for f in fields:
        default = _default(f, now)
        column = [row.get(f.attname, default) for row in rows]
        if not (plain and f.get_internal_type() in PLAIN_TYPES):
            column = _prep_column(f, column, conn)
        columns.append(column)
    return fields, columns


def _prep_column(field: models.Field[Any, Any], column: list[Any], conn: Any) -> list[Any]:
    """``get_db_prep_save`` of each value, once per distinct hashable value and type (a page
    of rows repeats the same IP address or none; 1 and True stay apart)."""
    prep = field.get_db_prep_save
    done: dict[tuple[type, Any], Any] = {}
    out = []
    for value in column:
        key = (type(value), value)
        try:
            prepared = done[key] if key in done else done.setdefault(
                key, prep(value, connection=conn))
        except TypeError:  # unhashable (a dict for a JSON field)
            prepared = prep(value, connection=conn)
        out.append(prepared)
    return out


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]], *,
                returning_ids: bool = False) -> list[int]:
    """Insert ``rows`` (see the module docstring); the new primary keys with
    ``returning_ids`` (same order), else an empty list. Runs in the caller's transaction."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return _insert_other(model, rows, returning_ids=returning_ids)
    fields, prepared = _prepared(model, rows)
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    pk = model._meta.pk
    assert pk is not None
    columns = [qn(str(f.column)) for f in fields]
    ids: list[int] = []
    if not returning_ids and len(rows) <= SMALL:
        _insert_small(table, fields, columns, prepared)
        return ids
    values: list[Sequence[Any]] = list(zip(*prepared, strict=True))
    with connection.cursor() as cursor:
        if returning_ids:
            # the identity/serial sequence of the key: one query for the whole set
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)",
                           [model._meta.db_table, pk.column, len(values)])
            ids = [r[0] for r in cursor.fetchall()]
            columns.insert(0, qn(str(pk.column)))
            values = [[i, *v] for i, v in zip(ids, values, strict=True)]
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        for start in range(0, len(values), BATCH):
            with raw.copy(sql) as copy:
                for row in values[start:start + BATCH]:
                    copy.write_row(row)
    return ids


@functools.cache
def _db_type(field: models.Field[Any, Any], vendor: str) -> str:
    """The column type of ``field`` on ``vendor`` (the cast of its array), once per process:
    Django derives it anew on each call (every access-log write of every page)."""
    return str(field.db_type(connection))


def _insert_small(table: str, fields: list[models.Field[Any, Any]], columns: list[str],
                  by_column: list[list[Any]]) -> None:
    """One ``INSERT … SELECT FROM unnest(<one array per column>)``: the statement's text does
    not depend on the number of rows, so psycopg parses it once per process (it re-parses any
    statement of more than 50 parameters — a VALUES list of 4 access-log rows — on every
    call). A column whose value is the same in every row (the user, the time, the action of
    a page of access-log rows) goes in as one value instead of an array: psycopg writes
    array elements one by one in Python, and most columns of such rows are constant."""
    varying = [any(v != column[0] for v in column) for column in by_column]
    if not any(varying):
        varying[0] = True  # unnest needs one array to give the number of rows
    select: list[str] = []
    arrays: list[str] = []
    params: list[Any] = []
    array_params: list[list[Any]] = []
    for field, column, varies in zip(fields, by_column, varying, strict=True):
        db_type = _db_type(field, connection.vendor)
        if varies:
            select.append(f"t.c{len(arrays)}")
            arrays.append(f"%s::{db_type}[]")
            array_params.append(column)
        else:
            select.append(f"%s::{db_type}")
            params.append(column[0])
    names = ", ".join(f"c{i}" for i in range(len(arrays)))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - identifiers from the model
                       f"SELECT {', '.join(select)} FROM unnest({', '.join(arrays)}) "
                       f"AS t({names})", [*params, *array_params])


def insert_instances(objs: Sequence[models.Model]) -> None:
    """Insert unsaved instances of one model as ``bulk_create`` would (``auto_now`` fields set,
    primary keys filled in), through ``insert_rows`` on PostgreSQL (one COPY per batch) and
    ``bulk_create`` elsewhere."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=1000)
        return
    fields = _fields(model)
    now = timezone.now()
    auto = [f.attname for f in fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    rows = []
    for obj in objs:
        for name in auto:
            setattr(obj, name, now)
        rows.append({f.attname: getattr(obj, f.attname) for f in fields})
    for obj, pk in zip(objs, insert_rows(model, rows, returning_ids=True), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def _insert_other(model: type[models.Model], rows: Sequence[Mapping[str, Any]], *,
                  returning_ids: bool) -> list[int]:
    if returning_ids:
        objs = [model(**row) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=1000)
        return [int(o.pk) for o in objs]
    fields, prepared = _prepared(model, rows)
    values = list(zip(*prepared, strict=True))
    qn = connection.ops.quote_name
    columns = ", ".join(qn(str(f.column)) for f in fields)
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({columns}) "  # noqa: S608 - identifiers from the model
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH):
            cursor.executemany(sql, values[start:start + BATCH])
    return []
