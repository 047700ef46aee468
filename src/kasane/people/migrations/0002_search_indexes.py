"""Reserved for search index changes (issue 8); the matching tables follow in 0003."""

from django.db import migrations
from django.db.migrations.operations.base import Operation


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations: list[Operation] = []
