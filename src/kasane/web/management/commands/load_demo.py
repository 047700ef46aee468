from django.core.management.base import BaseCommand, CommandError

from kasane.accounts.demo import DemoRefused
from kasane.web.demo import load_demo


class Command(BaseCommand):
    help = "デモ市（重ね市）のデータを読み込みます（何度実行しても同じ結果）。"

    def handle(self, *args: object, **options: object) -> None:
        try:
            data = load_demo()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"重ね市: {len(data['orgs'])} 組織, {len(data['users'])} デモ利用者")  # type: ignore[arg-type]
