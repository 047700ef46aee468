"""./kasane audit_partitions list|create|detach — the access log's monthly partitions.

``list``: every partition with its rows (estimate) and size. ``create [--months N]``: this
month and the next N (default 3) — also done by every ``seal_audit`` run. ``detach --before
YYYY-MM --archive DIR``: every month ending on or before YYYY-MM is dumped with pg_dump to
DIR, recorded (AuditArchive) and dropped; months with unsealed rows are refused.
PostgreSQL only (SQLite keeps one plain table).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasane.audit import partitions


class Command(BaseCommand):
    help = "アクセスログの月別パーティションの一覧・作成・切り離し（保管）を行います（PostgreSQL）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["list", "create", "detach"])
        parser.add_argument("--months", type=int, default=partitions.AHEAD_MONTHS,
                            help="create: 今月から何か月先まで作るか（既定 3）")
        parser.add_argument("--before", default="", help="detach: この年月（YYYY-MM）より前の月")
        parser.add_argument("--archive", type=Path, default=None,
                            help="detach: pg_dump の保存先フォルダ")

    def handle(self, *args: Any, **options: Any) -> None:
        if not partitions.is_partitioned():
            raise CommandError("アクセスログはパーティション化されていません（PostgreSQL のみ）。")
        operation = options["operation"]
        if operation == "list":
            for part in partitions.partitions():
                month = f"{part.month:%Y-%m}" if part.month else "既定（範囲外の行）"
                rows = "未集計" if part.rows < 0 else f"約{part.rows:,}行"
                self.stdout.write(f"{part.name}\t{month}\t{rows}\t{part.bytes / 1e6:.1f} MB")
        elif operation == "create":
            made = partitions.ensure_ahead(options["months"])
            self.stdout.write(f"作成しました: {len(made)}件 {' '.join(made)}".rstrip())
        else:
            self._detach(options["before"], options["archive"])

    def _detach(self, before: str, archive: Path | None) -> None:
        if not before or archive is None:
            raise CommandError("detach には --before YYYY-MM と --archive フォルダが必要です。")
        try:
            done = partitions.detach_before(partitions.parse_month(before), archive)
        except (ValueError, partitions.PartitionError) as exc:
            raise CommandError(str(exc)) from exc
        for item in done:
            self.stdout.write(f"保管しました: {item.partition}（{item.rows:,}行）→ {item.path} "
                              f"sha256={item.sha256}")
        if not done:
            self.stdout.write("切り離す月はありません。")
