"""./kasane load_sheet_definitions — load the standard sheets (idempotent; a changed file → new version)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kasane.sheets import loader
from kasane.sheets.models import SheetDefinition
from kasane.sheets.schema import SchemaError


class Command(BaseCommand):
    help = "標準帳票の定義（sheets/definitions/*.json）を読み込みます。変更があれば新しい版になります。"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                report = loader.sync_standard(SheetDefinition)
        except SchemaError as exc:
            raise CommandError(str(exc)) from exc
        for code, what in report.items():
            self.stdout.write(f"{code}: {what}")
