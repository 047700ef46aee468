"""./kasane purge --dry-run | --yes [--municipality CODE] [--by USERNAME] [--as-of YYYY-MM-DD]

Anonymises records past their retention period (kasane.retention). ``--dry-run`` records and
prints the report only; without it, ``--yes`` is required. Exit 1 without traceback on a
refusal (no flag, unknown municipality or user).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kasane.accounts.models import Municipality, User
from kasane.retention.models import RecordType
from kasane.retention.services import CONFIRM_MESSAGE, counts_text, purge_execute


class Command(BaseCommand):
    help = "保存期間を過ぎた記録の個人の内容を消去します（まず --dry-run で確認、実行は --yes）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="対象と保存継続を表示するだけ（記録は残す）")
        parser.add_argument("--yes", action="store_true", help="確認済みとして実行する")
        parser.add_argument("--municipality", default="", help="自治体コード（省略時はすべての自治体）")
        parser.add_argument("--by", default="", help="実行者のユーザー名（省略時は定期処理 system:retention）")
        parser.add_argument("--as-of", default="", help="基準日 YYYY-MM-DD（省略時は今日）")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        if not dry_run and not options["yes"]:
            raise CommandError(CONFIRM_MESSAGE)
        municipalities = Municipality.objects.order_by("code")
        if options["municipality"]:
            municipalities = municipalities.filter(code=options["municipality"])
            if not municipalities.exists():
                raise CommandError(f"自治体コード {options['municipality']} は見つかりません。")
        user = None
        if options["by"]:
            user = User.objects.filter(username=options["by"]).first()
            if user is None:
                raise CommandError(f"利用者 {options['by']} は見つかりません。")
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else None
        except ValueError as exc:
            raise CommandError("--as-of は YYYY-MM-DD で指定してください。") from exc
        for municipality in municipalities:
            try:
                run, plan = purge_execute(municipality=municipality, user=user, dry_run=dry_run,
                                          confirm=bool(options["yes"]), as_of=as_of)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self._report(municipality, run, plan)

    def _report(self, municipality: Municipality, run: Any, plan: Any) -> None:
        title = "確認（ドライラン）" if run.dry_run else "廃棄"
        self.stdout.write(f"{municipality.name}（{municipality.code}）{title} 廃棄処理 #{run.pk} 基準日 {plan.as_of.isoformat()}")
        for record_type, label in RecordType.choices:
            ids = plan.ids(record_type)
            self.stdout.write(f"  {label}: 保存期間 {plan.years[record_type]}年、対象 {len(ids)}件"
                              + (f"（#{', #'.join(map(str, ids[:50]))}{' ほか' if len(ids) > 50 else ''}）" if ids else ""))
            for c in plan.held.get(record_type, []):
                self.stdout.write(f"    保存継続 #{c.object_id}: {'／'.join(c.holds)}")
        self.stdout.write(f"  件数: {counts_text(run.counts)}")
