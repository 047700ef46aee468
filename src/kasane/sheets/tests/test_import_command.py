"""``./kasane import_sheet``: the same import as the screen, from the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from kasane.people.models import Person
from kasane.sheets.models import SheetRecord


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_it_imports_binds_persons_and_skips_rows_already_imported(city, tmp_path) -> None:
    path = tmp_path / "grid.csv"
    path.write_text("氏名（姓）,氏名（名）,フリガナ（セイ）,フリガナ（メイ）,中心の課題,本人の力\n"
                    "山田,花子,ヤマダ,ハナコ,課題A,料理\n", encoding="cp932")
    out = io.StringIO()
    call_command("import_sheet", str(path), sheet="nine_grid", user="recorder", stdout=out)
    assert "1件を取り込みました。本人を1人登録しました" in out.getvalue()
    assert "（logo）" in out.getvalue()
    record = SheetRecord.objects.get()
    assert Person.objects.get(pk=record.person_id).given_name == "花子"
    out = io.StringIO()
    call_command("import_sheet", str(path), sheet="nine_grid", user="recorder", stdout=out)
    assert "取り込み済みの1行は除きました" in out.getvalue() and SheetRecord.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("import_sheet", str(path), sheet="nine_grid", user="nobody")
