"""Contacts, involvements and referrals carry their case's municipality (the tenant) so
statistics filter the tenant on the row itself instead of joining the case
(docs/scaling.md §6). This step adds the column (nullable) and backfills it with one
``UPDATE … FROM`` per table on PostgreSQL (a correlated subquery on SQLite); the next one
(``0012_tenant_on_rows_required``) makes it NOT NULL, indexes it and ties it to the case.
Two migrations, two transactions: PostgreSQL refuses ``SET NOT NULL`` on a table with the
backfill's deferred foreign-key checks still pending in the same transaction."""

import django.db.models.deletion
from django.db import migrations, models

TABLES = ("cases_contact", "cases_involvement", "cases_referral")


def backfill(apps, schema_editor):
    """Every row gets its case's municipality (rows that already have one are left alone)."""
    postgres = schema_editor.connection.vendor == "postgresql"
    for table in TABLES:
        if postgres:
            sql = (f"UPDATE {table} t SET municipality_id = c.municipality_id "
                   f"FROM cases_case c WHERE c.id = t.case_id AND t.municipality_id IS NULL")
        else:
            sql = (f"UPDATE {table} SET municipality_id = (SELECT c.municipality_id "
                   f"FROM cases_case c WHERE c.id = {table}.case_id) "
                   f"WHERE municipality_id IS NULL")
        schema_editor.execute(sql)


def _field():
    return models.ForeignKey(null=True, db_index=False, editable=False,
                             on_delete=django.db.models.deletion.PROTECT, related_name="+",
                             to="accounts.municipality", verbose_name="自治体")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_membership_periods"),
        ("cases", "0010_report_covering_indexes"),
    ]

    operations = [
        migrations.AddField(model_name="contact", name="municipality", field=_field()),
        migrations.AddField(model_name="involvement", name="municipality", field=_field()),
        migrations.AddField(model_name="referral", name="municipality", field=_field()),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
