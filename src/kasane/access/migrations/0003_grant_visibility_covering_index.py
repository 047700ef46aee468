"""A covering partial index for the visibility probe (issue 21; docs/matching.md "Search").

``policy.visible_persons`` and ``policy.basis_annotations`` look up, for each person a search
scans, the actor's active grants of that person: ``person_id = ?`` with the grantee
(organization / user), ``ended_at IS NULL``, the validity window, the scope and the basis.
This index answers that lookup from the index alone (an index-only scan, no heap visit per
scanned person): keyed by person, the grantee columns next, everything else the probe reads
INCLUDEd, only for grants not ended. PostgreSQL only (SQLite has no INCLUDE, and the test
databases are small); built CONCURRENTLY so adding it to a live register does not block
writes to access_grant. The model state does not change (raw SQL, like people 0002).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

NAME = "grant_visible_probe"


def _create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON access_grant "
        "(person_id, organization_id, user_id) "
        "INCLUDE (municipality_id, basis, scope, valid_from, valid_until) "
        "WHERE ended_at IS NULL")


def _drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    dependencies = [("access", "0002_initial")]
    operations = [migrations.RunPython(_create, _drop, elidable=False)]
