"""./kasane export_hsds DIR — the published directory as Open Referral HSDS 3.0 CSV (+ JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kasane.audit.models import Basis
from kasane.audit.services import access_log
from kasane.resources.hsds.exporting import write_dir

from ._tenant import municipality


class Command(BaseCommand):
    help = ("公開中の社会資源を Open Referral HSDS 形式（organizations.csv・services.csv・"
            "locations.csv ほか、UTF-8）と hsds.json でフォルダに書き出します。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="書き出すフォルダ（なければ作ります）")
        parser.add_argument("--municipality", help="地方公共団体コード（自治体が複数のとき）")

    def handle(self, *args: Any, **options: Any) -> None:
        muni = municipality(options["municipality"])
        counts = write_dir(muni, Path(options["directory"]))
        access_log(user=None, action="resources.hsds.export", basis=Basis.NOT_PERSONAL,
                   object_type="resources.Place", detail=f"{muni.code}: {counts['services.csv']}件")
        self.stdout.write(f"書き出しました: {options['directory']}（場 {counts['services.csv']}件、"
                          f"団体 {counts['organizations.csv']}件）")
