"""./kasane import_sheet — import a CSV / Excel file into a sheet, as the web import does.

The rows are submissions (``sheets.imports``): persons bound or created (名寄せ candidates
queued), consent answers recorded, links derived; rows already imported by the organization
are skipped. Columns map themselves by ``[key]``, label, the LoGoフォーム preset or the
mapping the municipality saved for these headers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kasane.accounts.models import Membership
from kasane.sheets import imports


class Command(BaseCommand):
    help = "CSV・Excel を帳票の記録として取り込みます（本人の登録・名寄せ候補・同意・リンクを含む）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV（UTF-8 / Shift_JIS）または .xlsx")
        parser.add_argument("--sheet", required=True, help="帳票コード（例: comprehensive_consultation）")
        parser.add_argument("--user", required=True, help="取り込む職員のユーザー名")
        parser.add_argument("--organization", type=int, help="所属機関のID（複数の所属があるとき）")
        parser.add_argument("--skip-invalid", action="store_true", help="エラー行を除いて取り込む")
        parser.add_argument("--check-only", action="store_true", help="確認（ドライラン）だけ行う")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ファイルがありません: {path}")
        members = Membership.objects.filter(user__username=options["user"], is_active=True) \
            .select_related("organization", "user")
        if options["organization"]:
            members = members.filter(organization_id=options["organization"])
        actor = members.order_by("pk").first()
        if actor is None:
            raise CommandError("その職員（と所属）が見つかりません。")
        try:
            with path.open("rb") as fh:
                job = imports.import_create(actor=actor, code=options["sheet"],
                                            upload=UploadedFile(fh, name=path.name,
                                                                size=path.stat().st_size))
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(f"取り込み #{job.pk}: 列の対応づけ {len(job.mapping)}列"
                          f"{'（' + job.preset + '）' if job.preset else ''}")
        job = imports.run_check(job)
        self.stdout.write(f"確認: {job.total_rows}行中 {job.valid_rows}行は取り込めます。{job.message}")
        for entry in job.row_errors[:20]:
            self.stdout.write(f"  {entry['row']}行目 " + " ".join(entry["errors"].values()))
        if options["check_only"]:
            return
        if job.row_errors and options["skip_invalid"]:
            job.skip_invalid = True
            job.save(update_fields=["skip_invalid"])
        try:
            job = imports.run_commit(job, actor_membership=actor)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if job.status != "done":
            raise CommandError(job.message)
        self.stdout.write(job.message)
