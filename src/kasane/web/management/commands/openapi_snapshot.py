"""Write (or with --check, compare) the committed OpenAPI schema docs/openapi.json.

The API contract is fixed by issues; a test fails when the generated schema drifts from the
committed one, so every change to it is reviewed. Regenerate with
``./kasane openapi_snapshot`` after an intentional change.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SNAPSHOT = Path(settings.PROJECT_DIR) / "docs" / "openapi.json"


def current_schema() -> str:
    from kasane.api import api

    return json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), ensure_ascii=False,
                      indent=1, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "docs/openapi.json を現在のAPIから書き出します（--check で差分の確認のみ）。"

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        schema = current_schema()
        if options["check"]:
            if not SNAPSHOT.exists() or SNAPSHOT.read_text(encoding="utf-8") != schema:
                raise CommandError("docs/openapi.json が最新ではありません。"
                                   "./kasane openapi_snapshot で更新し、差分を確認してください。")
            self.stdout.write("docs/openapi.json は最新です。")
            return
        SNAPSHOT.write_text(schema, encoding="utf-8")
        self.stdout.write(f"{SNAPSHOT} を書き出しました。")
