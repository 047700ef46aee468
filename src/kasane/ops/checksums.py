"""Per-table row counts and order-independent checksums, for backup manifests and restore checks.

Works on a plain DB-API cursor so that it can read a database Django is not connected to (the
restore target). PostgreSQL computes the checksum in SQL:
``md5(string_agg(md5(t::text), '' ORDER BY md5(t::text)))``; SQLite hashes each row in Python,
sorts the row hashes and hashes their concatenation. Both are independent of row order.
"""

from __future__ import annotations

import hashlib
from typing import Any, TypedDict


class TableSum(TypedDict):
    rows: int
    checksum: str


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(cursor: Any, vendor: str) -> list[str]:
    """Names of the user tables of the database, sorted."""
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                       "ORDER BY tablename")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                       "AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def _pg_sum(cursor: Any, table: str) -> TableSum:
    cursor.execute(
        f"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') "  # noqa: S608
        f"FROM {_quote(table)} t")
    count, checksum = cursor.fetchone()
    return {"rows": int(count), "checksum": str(checksum)}


def _sqlite_sum(cursor: Any, table: str) -> TableSum:
    # quote() of each column: an expression has no declared type, so the converters Django
    # registers (timestamps, decimals) never apply and both sides hash the stored values.
    cursor.execute(f"PRAGMA table_info({_quote(table)})")
    columns = " || ',' || ".join(f"quote({_quote(row[1])})" for row in cursor.fetchall())
    cursor.execute(f"SELECT {columns} FROM {_quote(table)}")  # noqa: S608
    hashes = sorted(hashlib.md5(str(row[0]).encode(), usedforsecurity=False).hexdigest()
                    for row in cursor.fetchall())
    checksum = (hashlib.md5("".join(hashes).encode(), usedforsecurity=False).hexdigest()
                if hashes else "")
    return {"rows": len(hashes), "checksum": checksum}


def table_checksums(cursor: Any, vendor: str) -> dict[str, TableSum]:
    """``{table: {"rows": n, "checksum": hex}}`` for every user table (vendor: Django's name)."""
    one = _pg_sum if vendor == "postgresql" else _sqlite_sum
    return {table: one(cursor, table) for table in table_names(cursor, vendor)}


def differences(expected: dict[str, TableSum], actual: dict[str, TableSum]) -> list[str]:
    """Japanese lines naming each table whose count or checksum differs (empty when equal)."""
    lines = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None:
            lines.append(f"{table}: バックアップにない表があります")
        elif got is None:
            lines.append(f"{table}: 復元先に表がありません")
        elif want["rows"] != got["rows"]:
            lines.append(f"{table}: 行数が違います（バックアップ {want['rows']}、復元先 {got['rows']}）")
        elif want["checksum"] != got["checksum"]:
            lines.append(f"{table}: 内容のチェックサムが違います")
    return lines
