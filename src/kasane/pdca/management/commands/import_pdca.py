"""./kasane import_pdca FILE.xlsx [--municipality CODE] [--user USERNAME] [--dry-run]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kasane.accounts.models import Membership, Municipality, Role
from kasane.audit.context import request_context
from kasane.pdca.importer import plan_import


class Command(BaseCommand):
    help = "Excelブック1冊（報告書1冊分: 計画・年次目標・Do/Check/Act・委員会意見・担当課）を取り込みます（docs/pdca.md）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--municipality", help="地方公共団体コード（1団体だけなら省略可）")
        parser.add_argument("--user", help="取り込む事務局の利用者名（省略時は最初の事務局）")
        parser.add_argument("--dry-run", action="store_true", help="確認だけして書き込まない")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["municipality"]:
            municipality = Municipality.objects.filter(code=options["municipality"]).first()
        else:
            found = list(Municipality.objects.all()[:2])
            municipality = found[0] if len(found) == 1 else None
        if municipality is None:
            raise CommandError("自治体が見つかりません。--municipality で地方公共団体コードを指定してください。")
        actors = Membership.objects.filter(role=Role.SECRETARIAT, is_active=True,
                                           organization__municipality=municipality)
        if options["user"]:
            actors = actors.filter(user__username=options["user"])
        actor = actors.select_related("user", "organization").first()
        if actor is None:
            raise CommandError("この自治体の事務局の利用者が見つかりません（--user）。")
        try:
            with open(options["file"], "rb") as fh, request_context():
                result = plan_import(actor=actor, municipality=municipality, file=fh,
                                     dry_run=options["dry_run"])
        except OSError as exc:
            raise CommandError(f"ファイルを開けません: {exc}") from exc
        if result.file_error:
            raise CommandError(result.file_error)
        for error in result.errors:
            self.stderr.write(error)
        for warning in result.warnings:
            self.stderr.write(f"注意 {warning}")
        if result.errors:
            raise CommandError(f"{len(result.errors)}件の誤りがあります。何も取り込んでいません。")
        if result.created is None:
            self.stdout.write(f"確認のみ（--dry-run）: {result.summary()} を取り込めます。")
        else:
            names = "」「".join(p.name for p in result.created_plans)
            self.stdout.write(f"「{names}」を取り込みました: {result.summary()}")
