"""``./kasane backup [--output DIR]``: database and media files into one tar archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasane.ops.services import OpsError, backup


class Command(BaseCommand):
    help = "データベースと添付ファイル等（MEDIA_ROOT）を1つのアーカイブにバックアップします。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=None,
                            help="保存先ディレクトリ（既定: KASANE_VAR_DIR/backups）")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"] or Path(settings.VAR_DIR) / "backups")
        try:
            path = backup(output)
        except OpsError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"バックアップを作成しました: {path}")
