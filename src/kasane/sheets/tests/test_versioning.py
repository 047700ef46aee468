"""Definition versions: municipal edits make new versions; old records keep theirs."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kasane.sheets import exports, selectors, services
from kasane.sheets.models import SheetDefinition

from .factories import actor

GRID = {"center": "課題", "cell_1": "本人の力"}


def test_it_renders_and_exports_a_v1_record_after_v2(city, client) -> None:
    me = actor(city.recorder)
    old = services.record_create(actor=me, code="nine_grid", answers=GRID, submit=True)
    v2 = services.definition_add_fields(
        actor=actor(city.admin), code="nine_grid", section_title="重ね市の項目",
        fields=[{"key": "local_note", "label": "市の備考", "type": "text", "required": True}])
    assert v2.version == 1 and not v2.is_standard and v2.base_version == 1
    assert selectors.definition_current(municipality_id=city.municipality.pk, code="nine_grid") == v2
    old.refresh_from_db()
    assert old.definition.is_standard  # still on its own version
    client.force_login(city.recorder)
    assert "本人の力" in client.get(f"/sheets/records/{old.pk}/").content.decode()
    with pytest.raises(ValidationError):  # the new required field applies to new records only
        services.record_create(actor=me, code="nine_grid", answers=GRID, submit=True)
    new = services.record_create(actor=me, code="nine_grid", submit=True,
                                 answers={**GRID, "local_note": "備考"})
    definition, qs = exports.export_records(actor=me, code="nine_grid")
    text = b"".join(exports.csv_stream(actor=me, definition=definition, qs=qs,
                                       encoding="utf-8-sig")).decode("utf-8-sig")
    assert "市の備考 [local_note]" in text and text.count("本人の力") >= 3
    assert new.definition == v2


def test_it_never_reuses_a_key(city) -> None:
    with pytest.raises(ValidationError, match="既に使われています"):
        services.definition_add_fields(
            actor=actor(city.admin), code="nine_grid", section_title="x",
            fields=[{"key": "center", "label": "中心", "type": "text"}])


def test_it_lets_only_admin_or_secretariat_edit_definitions(city, client) -> None:
    with pytest.raises(PermissionDenied):
        services.definition_add_fields(
            actor=actor(city.coordinator), code="nine_grid", section_title="x",
            fields=[{"key": "k1", "label": "k", "type": "text"}])
    client.force_login(city.recorder)
    assert client.get("/sheets/definitions/").status_code == 403


def test_it_adds_a_field_and_an_own_sheet_through_the_screens(city, client) -> None:
    client.force_login(city.secretariat)
    assert client.get("/sheets/definitions/").status_code == 200
    r = client.post("/sheets/definitions/nine_grid/", {
        "section_title": "独自項目", "key": "local_choice", "label": "市の区分", "type": "choice",
        "choices": "a:甲\nb:乙"})
    assert r.status_code == 302
    d = SheetDefinition.objects.get(municipality=city.municipality, code="nine_grid")
    assert d.schema["sections"][-1]["fields"][0]["choices"][1] == {"code": "b", "label": "乙"}
    r = client.post("/sheets/definitions/new/", {"code": "kasane_visit", "title": "訪問メモ",
                                                 "key": "memo", "label": "メモ", "type": "longtext"})
    assert r.status_code == 302
    r = client.post("/sheets/definitions/new/", {"code": "liaison", "title": "x", "key": "memo",
                                                 "label": "メモ", "type": "text"})
    assert r.status_code == 400 and "標準帳票のコードは使えません" in r.content.decode()
    assert services.record_create(actor=actor(city.recorder), code="kasane_visit",
                                  answers={"memo": "訪問した"}, submit=True).pk


def test_it_rebuilds_municipal_versions_when_the_standard_changes(city, monkeypatch) -> None:
    import copy

    from kasane.sheets import loader
    from kasane.sheets import schema as sheet_schema

    services.definition_add_fields(
        actor=actor(city.admin), code="nine_grid", section_title="市",
        fields=[{"key": "local_note", "label": "市の備考", "type": "text"}])
    original = sheet_schema.load_file

    def changed(code: str) -> dict:
        schema = copy.deepcopy(original(code))
        schema["sections"][0]["fields"].append({"key": "cell_9", "label": "追加", "type": "text"})
        return schema

    monkeypatch.setattr(sheet_schema, "load_file", changed)
    loader.sync_standard(SheetDefinition, codes=("nine_grid",))
    current = selectors.definition_current(municipality_id=city.municipality.pk, code="nine_grid")
    keys = sheet_schema.all_keys(current.schema)
    assert {"cell_9", "local_note"} <= keys and current.version == 2 and current.base_version == 2
