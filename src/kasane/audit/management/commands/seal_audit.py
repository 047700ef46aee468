"""./kasane seal_audit — seal new audit rows by hash (run every few minutes from cron); also
creates the access log's partitions for the coming months when missing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kasane.audit import partitions, sealing


class Command(BaseCommand):
    help = "監査ログ（アクセスログ・変更履歴）の新しい行をハッシュで封印し、封印ファイルに追記します。"

    def handle(self, *args: Any, **options: Any) -> None:
        partitions.ensure_ahead()  # next months' access-log partitions (PostgreSQL; cheap)
        seals = sealing.seal_pending()
        rows = sum(seal.row_count for seal in seals)
        self.stdout.write(f"封印しました: {len(seals)}件（{rows}行） 封印ファイル: {sealing.seal_file()}")
