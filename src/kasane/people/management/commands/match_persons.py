"""./kasane match_persons [--municipality CODE] [--workers N] [--rebuild-keys] [--json]

The 名寄せ batch run, synchronously (the same as the background task a coordinator starts
from the queue page). Proposes candidates only; nothing is merged.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kasane.accounts.models import Municipality
from kasane.audit.context import request_context
from kasane.people.models import MatchRun, MatchRunStatus
from kasane.people.services import matching


class Command(BaseCommand):
    help = "名寄せの一括照合を実行し、候補を推進員の確認待ちに加えます（docs/matching.md）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--municipality", help="地方公共団体コード（省略時はすべての自治体）")
        parser.add_argument("--workers", type=int, default=1, help="照合に使うプロセス数（既定 1。2 以上で特徴量の計算を複数プロセスで行います）")
        parser.add_argument("--rebuild-keys", action="store_true",
                            help="名寄せキーを作り直してから照合する（異体字表の変更後など）")
        parser.add_argument("--json", action="store_true", help="結果を JSON で1行ずつ出力")

    def handle(self, *args: Any, **options: Any) -> None:
        munis = Municipality.objects.order_by("code")
        if options["municipality"]:
            munis = munis.filter(code=options["municipality"])
            if not munis.exists():
                raise CommandError("自治体が見つかりません（--municipality に地方公共団体コード）。")
        failed = False
        for muni in munis:
            run = MatchRun.objects.create(municipality=muni, trigger="command")
            with request_context():
                matching.run_batch(run, workers=max(1, options["workers"]),
                                   rebuild_keys=options["rebuild_keys"])
            failed |= run.status == MatchRunStatus.FAILED
            if options["json"]:
                self.stdout.write(json.dumps({
                    "municipality": muni.code, "status": run.status, "persons": run.persons,
                    "pairs": run.pairs, "created": run.created, "rescored": run.rescored,
                    "skipped_decided": run.skipped_decided, "threshold": run.threshold,
                    "seconds": run.seconds}, ensure_ascii=False))
            else:
                self.stdout.write(
                    f"{muni.name}（{muni.code}）: {run.get_status_display()} 本人 {run.persons} 件、"
                    f"候補 {run.pairs} 組（新規 {run.created}、再計算 {run.rescored}、"
                    f"判断済みのため対象外 {run.skipped_decided}）、閾値 {run.threshold}、"
                    f"{run.seconds} 秒 {run.message}".rstrip())
        if failed:
            raise CommandError("一括照合に失敗した自治体があります。")
