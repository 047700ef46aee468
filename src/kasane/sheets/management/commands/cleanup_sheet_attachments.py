"""./kasane cleanup_sheet_attachments — remove orphan uploads (run daily, e.g. from cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kasane.sheets import attachments


class Command(BaseCommand):
    help = ("帳票の添付ファイルのうち、どの記録からも参照されず提出にも使われていないもの"
            "（破棄した下書き・使われなかったAPIの登録など）を削除します。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="この時間より古いものだけ（既定 24）")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = attachments.attachments_cleanup(older_than=dt.timedelta(hours=options["hours"]))
        self.stdout.write(f"削除した添付ファイル: {removed}件")
