"""Search indexes (issue 8; docs/matching.md "Search"). The matching tables follow in 0003.

Person search reads one key column at a time as a *range* ``key >= q AND key < q || U+10FFFF``
ordered by the key, so an index range scan stops after the first few hundred visible rows
even for a two-kana prefix at 1M persons. On PostgreSQL the key is compared with
``COLLATE "C"`` (code-point order: the range equals "starts with" whatever the database
collation is, and the same index serves the ORDER BY); SQLite's default BINARY collation is
already code-point order. ``birth_date`` sits inside the name indexes so "ヤマダ S50" filters
the birth year in the index without visiting the table.

The model state does not change (these are raw SQL indexes), so ``people.models`` stays free
for the matching work in 0003.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# (index name, key column, include birth_date)
SEARCH_INDEXES: tuple[tuple[str, str, bool], ...] = (
    ("person_s_name", "name_key", True),
    ("person_s_kana", "kana_key", True),
    ("person_s_given", "given_name_key", True),
    ("person_s_gkana", "given_kana_key", True),
    ("person_s_phone", "phone_key", False),
)


def _create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    collate = ' COLLATE "C"' if vendor == "postgresql" else ""
    for name, column, with_birth in SEARCH_INDEXES:
        cols = f"municipality_id, {column}{collate}" + (", birth_date" if with_birth else "")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON people_person ({cols}, id)")


def _drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor not in ("postgresql", "sqlite"):
        return
    for name, _column, _birth in SEARCH_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(_create, _drop, elidable=False)]
