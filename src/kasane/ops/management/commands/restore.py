"""``./kasane restore ARCHIVE [--database-url URL] [--media-root DIR] [--yes] [--verify]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasane.ops.checksums import differences
from kasane.ops.services import OpsError, restore, target_checksums, target_settings


class Command(BaseCommand):
    help = "./kasane backup のアーカイブからデータベースと添付ファイル等を復元します。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="バックアップファイル（.tar）")
        parser.add_argument("--database-url", default=None,
                            help="復元先（既定: KASANE_DATABASE_URL の設定）")
        parser.add_argument("--media-root", default=None, help="ファイルの復元先（既定: MEDIA_ROOT）")
        parser.add_argument("--yes", action="store_true",
                            help="復元先が空でなくても上書きする")
        parser.add_argument("--verify", action="store_true",
                            help="復元後に表ごとの行数とチェックサムをバックアップ時と比べる")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"バックアップファイルがありません: {archive}")
        db = target_settings(options["database_url"])
        media = Path(options["media_root"] or settings.MEDIA_ROOT)
        try:
            manifest = restore(archive, db, media, force=options["yes"])
            if options["verify"]:
                lines = differences(manifest["tables"], target_checksums(db))
                if lines:
                    raise OpsError("復元したデータがバックアップと一致しません:\n" + "\n".join(lines))
        except OpsError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"復元しました（バックアップ作成 {manifest['created_at']}）。")
        if options["verify"]:
            self.stdout.write(f"検証: {len(manifest['tables'])} 表の行数とチェックサムが一致しました。")
