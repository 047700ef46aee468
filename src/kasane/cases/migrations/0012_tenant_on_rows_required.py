"""The tenant column of contacts, involvements and referrals (backfilled by 0011) becomes
NOT NULL, gets the tenant-leading statistics indexes (replacing the period-only ones every
municipality shared) and, on PostgreSQL, a composite foreign key
``(case_id, municipality_id) → cases_case (id, municipality_id)``: a row can never carry
another tenant's id than its case's, whatever writes it (COPY, bulk inserts, raw SQL).
SQLite (the demo) relies on ``CaseTenantRow.save``."""

import django.db.models.deletion
from django.db import migrations, models

TABLES = ("cases_contact", "cases_involvement", "cases_referral")


def _tie(table: str) -> str:
    return f"{table}_case_tenant"


def tie_to_case(apps, schema_editor):
    """PostgreSQL: each row's (case, municipality) must be its case's (checked at commit,
    like Django's own foreign keys)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {_tie(table)} FOREIGN KEY "
            f"(case_id, municipality_id) REFERENCES cases_case (id, municipality_id) "
            f"DEFERRABLE INITIALLY DEFERRED")


def untie(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {_tie(table)}")


def _field():
    return models.ForeignKey(db_index=False, editable=False,
                             on_delete=django.db.models.deletion.PROTECT, related_name="+",
                             to="accounts.municipality", verbose_name="自治体")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_membership_periods"),
        ("cases", "0011_tenant_on_rows"),
    ]

    operations = [
        migrations.AlterField(model_name="contact", name="municipality", field=_field()),
        migrations.AlterField(model_name="involvement", name="municipality", field=_field()),
        migrations.AlterField(model_name="referral", name="municipality", field=_field()),
        migrations.RemoveIndex(model_name="contact", name="contact_at_cover"),
        migrations.RemoveIndex(model_name="referral", name="referral_responded"),
        migrations.RemoveIndex(model_name="referral", name="referral_created"),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["municipality", "at"], include=("case", "reached", "tags"),
                               name="contact_muni_at_cover"),
        ),
        migrations.AddIndex(
            model_name="involvement",
            index=models.Index(fields=["municipality", "started_on"],
                               include=("ended_on", "organization"),
                               name="involvement_muni_start"),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["municipality", "responded_at"],
                               name="referral_muni_responded"),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["municipality", "created_at"], name="referral_muni_created"),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(fields=("id", "municipality"), name="case_id_tenant"),
        ),
        migrations.RunPython(tie_to_case, untie),
    ]
