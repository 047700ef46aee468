"""./kasane create_municipality CODE NAME --admin USER [--coordinator USER] [--secretariat USER]

Creates a new tenant from nothing. Initial passwords: taken from the environment variables
KASANE_ADMIN_PASSWORD / KASANE_COORDINATOR_PASSWORD / KASANE_SECRETARIAT_PASSWORD when set
(not printed); otherwise generated and printed once on standard output.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kasane.accounts.tenants import municipality_create

ENV = {"admin": "KASANE_ADMIN_PASSWORD", "coordinator": "KASANE_COORDINATOR_PASSWORD",
       "secretariat": "KASANE_SECRETARIAT_PASSWORD"}


class Command(BaseCommand):
    help = "新しい自治体（テナント）と最初の管理者・推進員・事務局を作成します（docs/operations.md）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("code", help="全国地方公共団体コード（6桁、検査数字つき）")
        parser.add_argument("name", help="自治体の名称（例: 重ね市）")
        parser.add_argument("--admin", required=True, help="最初の管理者のユーザー名")
        parser.add_argument("--coordinator", default="", help="最初の相談支援包括化推進員のユーザー名")
        parser.add_argument("--secretariat", default="", help="最初の事務局のユーザー名")
        parser.add_argument("--prefecture", default="", help="都道府県（省略時はコードから）")

    def handle(self, *args: Any, **options: Any) -> None:
        passwords = {key: os.environ.get(var, "") for key, var in ENV.items()}
        try:
            result = municipality_create(
                actor=None, code=options["code"], name=options["name"],
                prefecture=options["prefecture"], admin=options["admin"],
                coordinator=options["coordinator"], secretariat=options["secretariat"],
                passwords=passwords)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                label = {"code": "地方公共団体コード", "name": "名称"}.get(field, f"--{field}")
                for message in messages:
                    self.stderr.write(f"{label}: {message}")
            raise CommandError("自治体を作成できませんでした。何も登録していません。") from None
        muni = result.municipality
        self.stdout.write(f"自治体「{muni}」（{muni.code}）を作成しました。組織: {result.organization.name}")
        for login in result.logins:
            if passwords.get(login.role):
                shown = f"（パスワードは {ENV[login.role]} の値）"
            else:
                shown = f"初期パスワード: {login.password}"
            self.stdout.write(f"  {login.username:<15} {login.role_label}  {shown}")
        if any(not passwords.get(x.role) for x in result.logins):
            self.stdout.write("初期パスワードはこの画面にだけ表示します。本人に渡し、最初のログイン後に変更してもらってください。")

