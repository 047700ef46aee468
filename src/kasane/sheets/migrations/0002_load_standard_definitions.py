"""Data migration: load the standard sheets from sheets/definitions/*.json (idempotent)."""

from django.db import migrations


def load(apps, schema_editor):  # noqa: ANN001, ANN201
    from kasane.sheets import loader

    loader.sync_standard(apps.get_model("sheets", "SheetDefinition"))


class Migration(migrations.Migration):
    dependencies = [("sheets", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
