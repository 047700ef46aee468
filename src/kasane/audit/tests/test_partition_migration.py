"""Migration audit/0004 on a database that already has access-log rows: every row is copied
into its month with its id, the sequence continues after the highest id, and the migration
reverses to one plain table."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _rows() -> list[tuple[int, str]]:
    with connection.cursor() as cur:
        cur.execute("SELECT id, tableoid::regclass::text FROM audit_accesslog ORDER BY id")
        return cur.fetchall()


@pytest.mark.django_db(transaction=True)
def test_existing_rows_move_into_their_months_and_back() -> None:
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate([("audit", "0003_audit_seal")])
        with connection.cursor() as cur:
            cur.execute("SELECT relkind FROM pg_class WHERE relname = 'audit_accesslog'")
            assert cur.fetchone()[0] == "r"
            cur.execute(
                "INSERT INTO audit_accesslog (at, username, action, object_type, object_id, "
                "person_id, basis, detail, request_id) VALUES "
                "('2024-01-31 23:59:59+00', 'a', 'view', '', '', 1, 'consent', '', ''), "
                "('2024-02-01 00:00:00+00', 'b', 'view', '', '', 2, 'consent', '', ''), "
                "('2024-03-15 12:00:00+00', 'c', 'view', '', '', 3, 'consent', '', '')")
        before = [row[0] for row in _rows()]
        _migrate([("audit", "0004_partitioned_access_log")])
        assert _rows() == [(before[0], "audit_accesslog_p2024_01"),
                           (before[1], "audit_accesslog_p2024_02"),
                           (before[2], "audit_accesslog_p2024_03")]
        with connection.cursor() as cur:
            cur.execute("SELECT nextval(pg_get_serial_sequence('audit_accesslog', 'id'))")
            assert cur.fetchone()[0] > before[-1]
        _migrate([("audit", "0003_audit_seal")])
        assert [row for row in _rows()] == [(i, "audit_accesslog") for i in before]
    finally:
        _migrate(leaves)
