"""./kasane verify_audit [--seal-file F] — recompute every audit seal; exit 1 on the first break."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kasane.audit import sealing


class Command(BaseCommand):
    help = "監査ログの封印をすべて再計算し、封印ファイルと照合します（改ざんがあれば終了コード1）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seal-file", type=Path, default=None,
                            help="照合する封印ファイル（既定: KASANE_AUDIT_SEAL_FILE）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["seal_file"] or sealing.seal_file()
        problem = sealing.verify(path)
        if problem is None:
            count = sealing.AuditSeal.objects.count()
            self.stdout.write(f"監査ログは改ざんされていません（封印 {count}件、封印ファイル {path}）。")
            return
        self.stderr.write(f"監査ログの改ざんを検出しました。{problem.message}")
        raise SystemExit(1)
