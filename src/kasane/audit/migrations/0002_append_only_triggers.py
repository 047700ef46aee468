"""On PostgreSQL, refuse UPDATE/DELETE on audit tables even from raw SQL.

TRUNCATE stays possible for the table owner (test flushes, a retention job run by the DBA);
production runs the app as a role without TRUNCATE (docs/operations.md). SQLite (demo only)
relies on the model and queryset guards.
"""

from django.db import migrations

TABLES = ["audit_accesslog", "audit_changerecord"]

FUNCTION = """
CREATE OR REPLACE FUNCTION kasane_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '監査ログは追記のみです（%）', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION kasane_audit_append_only();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS kasane_audit_append_only();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
