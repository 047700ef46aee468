from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kasane.accounts.demo import DemoRefused
from kasane.web.demo import load_demo


class Command(BaseCommand):
    help = "デモ市（重ね市）のデータを読み込みます（何度実行しても同じ結果）。"

    def handle(self, *args: object, **options: object) -> None:
        try:
            data = load_demo()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        with connection.cursor() as cursor:
            # planner statistics of the new rows: SQLite gathers none by itself (without them
            # it reads a tenant's whole register where search's key indexes would serve)
            cursor.execute("ANALYZE")
        self.stdout.write(f"重ね市: {len(data['orgs'])} 組織, {len(data['users'])} デモ利用者")  # type: ignore[arg-type]
