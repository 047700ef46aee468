"""./kasane import_hsds DIR [--dry-run] — read an HSDS directory into the resource directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasane.resources.hsds.importing import HsdsError, import_directory

from ._tenant import municipality


class Command(BaseCommand):
    help = ("Open Referral HSDS 形式のフォルダ（CSV または hsds.json、UTF-8）を社会資源に"
            "取り込みます。一つでも誤りがあれば何も取り込みません。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="HSDS のファイルがあるフォルダ")
        parser.add_argument("--dry-run", action="store_true", help="確認だけ行い、何も変更しない")
        parser.add_argument("--municipality", help="地方公共団体コード（自治体が複数のとき）")

    def handle(self, *args: Any, **options: Any) -> None:
        muni = municipality(options["municipality"])
        try:
            r = import_directory(muni, Path(options["directory"]), dry_run=options["dry_run"])
        except HsdsError as exc:
            raise CommandError("取り込めませんでした（何も変更していません）:\n"
                               + "\n".join(exc.messages)) from exc
        head = "確認のみ（何も変更していません）" if r.dry_run else "取り込みました"
        self.stdout.write(f"{head}: 場 新規{r.places_created}件・変更{r.places_updated}件・"
                          f"変更なし{r.places_unchanged}件、団体 新規{r.providers_created}件・"
                          f"変更{r.providers_updated}件")
