"""API contract: /api/v1/sheet-definitions and /api/v1/sheet-records."""

from __future__ import annotations

from kasane.sheets import schema as sheet_schema
from kasane.sheets import services

from .factories import actor

GRID = {"center": "課題", "cell_1": "本人の力"}


def test_it_lists_every_standard_definition(city, client) -> None:
    client.force_login(city.recorder)
    body = client.get("/api/v1/sheet-definitions").json()
    assert body["count"] == len(body["items"]) >= 12
    assert {i["code"] for i in body["items"]} >= set(sheet_schema.STANDARD_CODES)
    assert set(body["items"][0]) == {"code", "title", "version"}


def test_it_needs_authentication(db, client) -> None:
    assert client.get("/api/v1/sheet-definitions").status_code == 401


def test_it_creates_a_submitted_record(city, client) -> None:
    from kasane.people.services import person_create

    person = person_create(actor=actor(city.recorder), fields={
        "family_name": "佐藤", "family_name_kana": "サトウ"})
    client.force_login(city.recorder)
    r = client.post("/api/v1/sheet-records", {"definition": "nine_grid", "answers": GRID,
                                              "person_id": person.pk}, content_type="application/json")
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "submitted" and body["person_id"] == person.pk
    # the person block comes from the record (no retyping)
    assert body["answers"] == {**GRID, "person": {"family_name": "佐藤", "family_name_kana": "サトウ"}}


def test_it_answers_400_with_per_field_japanese_errors(city, client) -> None:
    client.force_login(city.recorder)
    r = client.post("/api/v1/sheet-records", {"definition": "intake_application", "answers": {
        "problems": "income◎;debt◎", "urgency": "later", "zzz": 1, "received_on": "2023-02-30"}},
        content_type="application/json")
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert errors["problems"] == "相談内容: ◎（いちばん困っていること）は1つだけにしてください。"
    assert errors["urgency"] == "緊急性: 「later」は選択肢にありません。一覧から選んでください。"
    assert errors["zzz"] == "zzz: この項目は帳票の定義にありません。"
    assert errors["request_detail"] == "相談したいこと・配慮の希望: 入力してください。"
    assert errors["received_on"] == "受付日: 存在しない日付です（2023年2月30日）。"
    detail = r.json()["detail"]
    assert "受付日: 存在しない日付です" in detail and "緊急性: 「later」" in detail  # all of them


def test_it_accepts_a_draft(city, client) -> None:
    client.force_login(city.recorder)
    r = client.post("/api/v1/sheet-records", {"definition": "nine_grid", "answers": {"center": "A"},
                                              "status": "draft"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "draft"
    # unlike the form's drafts, the API still refuses wrong answers field by field
    r = client.post("/api/v1/sheet-records", {"definition": "intake_application", "status": "draft",
                                              "answers": {"received_on": "2099-01-01"},
                                              "written_on": "2099-01-01"},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"] == {
        "received_on": "受付日: 未来の日付は入力できません。",
        "written_on": "記入日: 未来の日付は入力できません。"}


def test_it_refuses_an_unknown_sheet_and_a_refused_role(city, client) -> None:
    client.force_login(city.recorder)
    r = client.post("/api/v1/sheet-records", {"definition": "nope", "answers": {}},
                    content_type="application/json")
    assert r.status_code == 404
    client.force_login(city.admin)
    r = client.post("/api/v1/sheet-records", {"definition": "nine_grid", "answers": GRID},
                    content_type="application/json")
    assert r.status_code == 403 and r.json()["detail"]


def test_it_lists_and_shows_only_visible_records(city, client) -> None:
    mine = services.record_create(actor=actor(city.recorder), code="nine_grid", answers=GRID,
                                  submit=True)
    services.record_create(actor=actor(city.partner), code="nine_grid", answers=GRID, submit=True)
    client.force_login(city.recorder)
    body = client.get("/api/v1/sheet-records?definition=nine_grid").json()
    assert body["count"] == 1 and body["items"][0]["id"] == mine.pk
    assert client.get(f"/api/v1/sheet-records/{mine.pk}").json()["answers"] == GRID
    client.force_login(city.outsider)
    assert client.get(f"/api/v1/sheet-records/{mine.pk}").status_code == 404
    assert client.get("/api/v1/sheet-records").json() == {"items": [], "count": 0}
