"""./kasane cleanup_exports — delete background files past their keep time (run hourly or daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kasane.exports import services


class Command(BaseCommand):
    help = "保存期間（KASANE_EXPORT_KEEP_HOURS、既定24時間）を過ぎた出力ファイルを削除します。"

    def handle(self, *args: Any, **options: Any) -> None:
        removed = services.jobs_cleanup()
        self.stdout.write(f"削除した出力ファイル: {removed}件")
