"""AccessLog partitioned by month on PostgreSQL (``audit.partitions`` describes the layout).

The existing table is renamed, a partitioned ``audit_accesslog`` with the same columns is
created (primary key ``(id, at)``; ``id`` drawn from a sequence owned by the column), monthly
partitions from the oldest row's month to three months ahead plus a DEFAULT partition, the
rows copied over (ids kept), the old table dropped and its indexes re-created on the parent
under their Django names. The append-only trigger guards the parent (statement level) and,
as a FOR EACH ROW trigger PostgreSQL clones onto every partition, each partition. SQLite: the
model state only (AuditArchive, the two search indexes).
"""

import datetime as dt

from django.db import migrations, models

OLD = "audit_accesslog_unpartitioned"
AHEAD = 3


def _next(month):
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _partition(execute, month):
    execute(f"CREATE TABLE audit_accesslog_p{month:%Y_%m} PARTITION OF audit_accesslog "
            f"FOR VALUES FROM ('{month:%Y-%m-%d} 00:00:00+00') "
            f"TO ('{_next(month):%Y-%m-%d} 00:00:00+00')")


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_accesslog' "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint)")
        indexes = cur.fetchall()
        cur.execute("SELECT min(at), max(id) FROM audit_accesslog")
        oldest, max_id = cur.fetchone()
        cur.execute("SELECT (now() AT TIME ZONE 'UTC')::date")
        today = cur.fetchone()[0]
    for name, _definition in indexes:
        execute(f'DROP INDEX "{name}"')
    execute("DROP TRIGGER IF EXISTS audit_accesslog_append_only ON audit_accesslog")
    execute(f"ALTER TABLE audit_accesslog RENAME TO {OLD}")
    execute(f"ALTER TABLE {OLD} RENAME CONSTRAINT audit_accesslog_pkey TO {OLD}_pkey")
    execute(f"CREATE TABLE audit_accesslog (LIKE {OLD} INCLUDING DEFAULTS) PARTITION BY RANGE (at)")
    execute("ALTER TABLE audit_accesslog ALTER COLUMN id DROP DEFAULT")  # the old sequence goes
    execute("ALTER TABLE audit_accesslog ADD CONSTRAINT audit_accesslog_pkey PRIMARY KEY (id, at)")
    month = (oldest.date() if oldest else today).replace(day=1)
    last = today.replace(day=1)
    for _ in range(AHEAD):
        last = _next(last)
    while month <= last:
        _partition(execute, month)
        month = _next(month)
    execute("CREATE TABLE audit_accesslog_pdefault PARTITION OF audit_accesslog DEFAULT")
    execute(f"INSERT INTO audit_accesslog SELECT * FROM {OLD}")
    execute(f"DROP TABLE {OLD}")
    execute("CREATE SEQUENCE audit_accesslog_id_seq AS bigint OWNED BY audit_accesslog.id")
    execute("ALTER TABLE audit_accesslog ALTER COLUMN id SET DEFAULT "
            "nextval('audit_accesslog_id_seq')")
    if max_id:
        execute("SELECT setval('audit_accesslog_id_seq', %s)", [max_id])
    for _name, definition in indexes:
        execute(definition)
    execute("CREATE TRIGGER audit_accesslog_append_only BEFORE UPDATE OR DELETE ON audit_accesslog "
            "FOR EACH STATEMENT EXECUTE FUNCTION kasane_audit_append_only()")
    execute("CREATE TRIGGER audit_accesslog_append_only_row BEFORE UPDATE OR DELETE "
            "ON audit_accesslog FOR EACH ROW EXECUTE FUNCTION kasane_audit_append_only()")


def unpartition(apps, schema_editor):
    """Back to one plain table (rows copied, ids and the statement trigger kept)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_accesslog' "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint)")
        indexes = cur.fetchall()
    for name, _definition in indexes:
        execute(f'DROP INDEX "{name}"')
    execute(f"ALTER TABLE audit_accesslog RENAME TO {OLD}")
    execute(f"ALTER TABLE {OLD} RENAME CONSTRAINT audit_accesslog_pkey TO {OLD}_pkey")
    execute(f"CREATE TABLE audit_accesslog (LIKE {OLD} INCLUDING DEFAULTS)")
    execute("ALTER TABLE audit_accesslog ADD CONSTRAINT audit_accesslog_pkey PRIMARY KEY (id)")
    execute(f"INSERT INTO audit_accesslog SELECT * FROM {OLD}")
    execute("ALTER SEQUENCE audit_accesslog_id_seq OWNED BY audit_accesslog.id")
    execute(f"DROP TABLE {OLD} CASCADE")
    for _name, definition in indexes:
        execute(definition.replace(" ON ONLY ", " ON ", 1))
    execute("CREATE TRIGGER audit_accesslog_append_only BEFORE UPDATE OR DELETE ON audit_accesslog "
            "FOR EACH STATEMENT EXECUTE FUNCTION kasane_audit_append_only()")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_audit_seal'),
    ]

    operations = [
        migrations.RunPython(partition, unpartition),
        migrations.CreateModel(
            name='AuditArchive',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('table', models.CharField(choices=[('access_log', 'アクセスログ'), ('change_record', '変更履歴')], max_length=20)),
                ('partition', models.CharField(max_length=63, unique=True)),
                ('month', models.DateField()),
                ('row_count', models.BigIntegerField()),
                ('row_ids', models.JSONField(default=list)),
                ('file', models.CharField(max_length=500)),
                ('sha256', models.CharField(max_length=64)),
                ('size_bytes', models.BigIntegerField()),
                ('archived_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': '監査ログの保管（切り離したパーティション）',
                'ordering': ['month'],
            },
        ),
        migrations.AddIndex(
            model_name='accesslog',
            index=models.Index(condition=models.Q(('request_id', ''), _negated=True), fields=['request_id'], name='accesslog_request'),
        ),
        migrations.AddIndex(
            model_name='accesslog',
            index=models.Index(fields=['organization', 'at'], name='accesslog_org_at'),
        ),
    ]
