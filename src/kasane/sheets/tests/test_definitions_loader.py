"""Standard definitions: every file loads, the loader is idempotent and versions changes."""

from __future__ import annotations

import copy

import pytest

from kasane.sheets import loader
from kasane.sheets import schema as sheet_schema
from kasane.sheets.models import SheetDefinition


@pytest.mark.parametrize("code", sheet_schema.STANDARD_CODES)
def test_it_loads_every_standard_file(code: str) -> None:
    schema = sheet_schema.load_file(code)
    assert schema["code"] == code and schema["title"] and sheet_schema.top_fields(schema)


def test_it_adds_an_other_text_field_after_a_choice_with_other() -> None:
    fields = sheet_schema.field_map(sheet_schema.load_file("intake_application"))
    assert fields["problems_other"]["required"] == "if problems == other"
    assert fields["route_other"]["type"] == "text"


def test_it_refuses_bad_definitions() -> None:
    with pytest.raises(sheet_schema.SchemaError, match="種類"):
        sheet_schema.normalize({"code": "x", "sections": [{"key": "s", "fields": [
            {"key": "a", "type": "colour"}]}]})
    with pytest.raises(sheet_schema.SchemaError, match="重複"):
        sheet_schema.normalize({"code": "x", "sections": [{"key": "s", "fields": [
            {"key": "a", "type": "text"}, {"key": "a", "type": "text"}]}]})


@pytest.mark.django_db
def test_it_loaded_all_standard_sheets_by_migration() -> None:
    codes = set(SheetDefinition.objects.filter(municipality__isnull=True, is_current=True)
                .values_list("code", flat=True))
    assert codes == set(sheet_schema.STANDARD_CODES)


@pytest.mark.django_db
def test_it_is_idempotent() -> None:
    before = SheetDefinition.objects.count()
    report = loader.sync_standard(SheetDefinition)
    assert SheetDefinition.objects.count() == before
    assert all(v.startswith("変更なし") for v in report.values())


@pytest.mark.django_db
def test_it_makes_a_new_version_when_a_file_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    original = sheet_schema.load_file

    def changed(code: str) -> dict:
        schema = copy.deepcopy(original(code))
        if code == "nine_grid":
            schema["sections"][0]["fields"].append({"key": "cell_9", "label": "追加", "type": "text"})
        return schema

    monkeypatch.setattr(sheet_schema, "load_file", changed)
    report = loader.sync_standard(SheetDefinition, codes=("nine_grid",))
    assert report == {"nine_grid": "第2版を登録"}
    versions = SheetDefinition.objects.filter(code="nine_grid").order_by("version")
    assert [(v.version, v.is_current) for v in versions] == [(1, False), (2, True)]


@pytest.mark.django_db
def test_it_refuses_to_reuse_a_key_with_another_type(monkeypatch: pytest.MonkeyPatch) -> None:
    original = sheet_schema.load_file

    def changed(code: str) -> dict:
        schema = copy.deepcopy(original(code))
        schema["sections"][0]["fields"][1]["type"] = "number"  # center: longtext → number
        return schema

    monkeypatch.setattr(sheet_schema, "load_file", changed)
    with pytest.raises(sheet_schema.SchemaError, match="再利用"):
        loader.sync_standard(SheetDefinition, codes=("nine_grid",))
