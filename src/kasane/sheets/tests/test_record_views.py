"""Screens: index, new, edit/autosave/submit, detail, PDF, route, discard."""

from __future__ import annotations

from kasane.sheets import services
from kasane.sheets.models import RecordStatus, SheetRecord

from .factories import actor

GRID = {"center": "課題", "cell_1": "本人の力"}
LIAISON = {"consent_given": False, "concern": "気になる", "contact_preference": "phone",
           "urgency": "normal"}


def test_it_lists_sheets_drafts_and_records(city, client) -> None:
    services.record_create_draft(actor=actor(city.recorder), code="nine_grid")
    client.force_login(city.recorder)
    r = client.get("/sheets/")
    assert r.status_code == 200
    text = r.content.decode()
    assert "相談受付・申込票（本人同意あり）" in text and "わたしの下書き" in text and "9マスシート" in text


def test_it_refuses_the_index_to_admin(city, client) -> None:
    client.force_login(city.admin)
    assert client.get("/sheets/").status_code == 403


def test_it_shows_a_liaison_only_their_sheets(city, client) -> None:
    client.force_login(city.liaison)
    text = client.get("/sheets/").content.decode()
    assert "つなぐシート" in text and "support_plan" not in text


def test_it_creates_a_draft_and_fills_it_by_plain_post(city, client) -> None:
    client.force_login(city.recorder)
    r = client.post("/sheets/new/", {"code": "nine_grid"})
    record = SheetRecord.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/sheets/records/{record.pk}/edit/"
    assert client.get(r["Location"]).status_code == 200
    r = client.post(f"/sheets/records/{record.pk}/edit/", {
        "_lock_version": record.lock_version, "center": "課題", "_action": "submit"})
    assert r.status_code == 400
    assert "周りのマスを1つ以上記入してください。" in r.content.decode()
    record.refresh_from_db()
    r = client.post(f"/sheets/records/{record.pk}/edit/", {
        "_lock_version": record.lock_version, "center": "課題", "cell_3": "近所", "_action": "submit",
        "_tags": ["multi_agency"]})
    assert r.status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED and record.answers["cell_3"] == "近所"


def test_it_renders_posted_values_back_with_errors_so_nothing_is_lost(city, client) -> None:
    record = services.record_create_draft(actor=actor(city.recorder), code="intake_application")
    client.force_login(city.recorder)
    r = client.post(f"/sheets/records/{record.pk}/edit/", {
        "_lock_version": record.lock_version, "received_on": "令和6年2月30日",
        "request_detail": "大事な聞き取り", "problems.marked": ["income", "debt"], "_action": "save"})
    text = r.content.decode()
    assert r.status_code == 400 and "大事な聞き取り" in text and "令和6年2月30日" in text


def test_it_maps_the_main_mark_and_rows_from_the_form(city, client) -> None:
    record = services.record_create_draft(actor=actor(city.recorder), code="outreach")
    client.force_login(city.recorder)
    r = client.post(f"/sheets/records/{record.pk}/edit/", {
        "_lock_version": record.lock_version, "_action": "add:contacts"})
    assert r.status_code == 200 and 'name="contacts.0.at"' in r.content.decode()
    record.refresh_from_db()
    client.post(f"/sheets/records/{record.pk}/edit/", {
        "_lock_version": record.lock_version, "contacts.__rows": "1", "contacts.0.at": "R6.5.1 9:05",
        "contacts.0.reached": "false", "_action": "save"})
    record.refresh_from_db()
    assert record.answers["contacts"] == [{"at": "2024-05-01T09:05", "reached": False}]


def test_it_autosaves_via_htmx_and_reports_errors(city, client) -> None:
    record = services.record_create_draft(actor=actor(city.recorder), code="intake_application")
    client.force_login(city.recorder)
    r = client.post(f"/sheets/records/{record.pk}/autosave/", {
        "_lock_version": record.lock_version, "problems.marked": ["income", "debt"],
        "problems.main": "debt"}, HTTP_HX_REQUEST="true")
    assert "下書きを保存しました" in r.content.decode()
    record.refresh_from_db()
    assert record.answers["problems"] == {"marked": ["income", "debt"], "main": "debt"}
    r = client.post(f"/sheets/records/{record.pk}/autosave/", {
        "_lock_version": record.lock_version, "problems.marked": ["income"], "problems.main": "debt"})
    assert "◎は○を付けた項目にだけ付けられます。" in r.content.decode()


def test_it_refuses_someone_elses_draft(city, client) -> None:
    record = services.record_create_draft(actor=actor(city.recorder), code="nine_grid")
    client.force_login(city.partner)
    assert client.get(f"/sheets/records/{record.pk}/edit/").status_code == 404
    assert client.post(f"/sheets/records/{record.pk}/autosave/", {}).status_code == 404


def test_it_shows_a_record_and_prints_it_to_pdf(city, client) -> None:
    record = services.record_create(actor=actor(city.recorder), code="nine_grid", answers=GRID,
                                    submit=True)
    client.force_login(city.recorder)
    r = client.get(f"/sheets/records/{record.pk}/")
    assert r.status_code == 200 and "本人の力" in r.content.decode()
    r = client.get(f"/sheets/records/{record.pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    client.force_login(city.outsider)
    assert client.get(f"/sheets/records/{record.pk}/pdf/").status_code == 404


def test_it_edits_a_submitted_record_with_a_reason(city, client) -> None:
    record = services.record_create(actor=actor(city.recorder), code="nine_grid", answers=GRID,
                                    submit=True)
    client.force_login(city.recorder)
    data = {"_lock_version": record.lock_version, "center": "変更", "cell_1": "x", "_action": "save"}
    r = client.post(f"/sheets/records/{record.pk}/edit/", data)
    assert r.status_code == 400 and "修正の理由を入力してください。" in r.content.decode()
    r = client.post(f"/sheets/records/{record.pk}/edit/", {**data, "reason": "誤記"})
    assert r.status_code == 302
    assert "誤記" in client.get(f"/sheets/records/{record.pk}/").content.decode()


def test_it_lets_a_coordinator_move_a_liaison_sheet_on(city, client) -> None:
    record = services.record_create(actor=actor(city.liaison), code="liaison", answers=LIAISON,
                                    submit=True)
    client.force_login(city.coordinator)
    assert "受付状況" in client.get(f"/sheets/records/{record.pk}/").content.decode()
    client.post(f"/sheets/records/{record.pk}/route/", {"status": "received"})
    record.refresh_from_db()
    assert record.route_status == "received"
    client.force_login(city.liaison)
    assert client.post(f"/sheets/records/{record.pk}/route/", {"status": "done"}).status_code == 403
    assert "受理" in client.get("/").content.decode()


def test_it_puts_new_liaison_sheets_in_the_coordinators_inbox(city, client) -> None:
    services.record_create(actor=actor(city.liaison), code="liaison", submit=True, answers={
        **LIAISON, "consent_given": True, "consent_method": "oral", "person": {
            "family_name": "田中", "given_name": "美咲", "family_name_kana": "タナカ",
            "given_name_kana": "ミサキ"}})
    client.force_login(city.coordinator)
    text = client.get("/").content.decode()
    assert "新しいつなぐシート" in text and "田中 美咲" in text
    client.force_login(city.recorder)
    assert "田中 美咲" not in client.get("/").content.decode()


def test_it_discards_a_draft(city, client) -> None:
    record = services.record_create_draft(actor=actor(city.recorder), code="nine_grid")
    client.force_login(city.recorder)
    assert client.post(f"/sheets/records/{record.pk}/discard/").status_code == 302
    assert not SheetRecord.objects.filter(pk=record.pk).exists()


def test_it_prints_a_nine_grid_as_three_by_three(city, client, tmp_path) -> None:
    import subprocess

    record = services.record_create(actor=actor(city.recorder), code="nine_grid", submit=True,
                                    answers={"center": "中心の課題X", "cell_1": "料理", "cell_5": "包括"})
    client.force_login(city.recorder)
    path = tmp_path / "grid.pdf"
    path.write_bytes(client.get(f"/sheets/records/{record.pk}/pdf/").content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          check=True, text=True).stdout
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if "本人の力" in line)
    assert "家族の力" in lines[top] and "近隣・友人" in lines[top]  # the top row, side by side
    middle = next(i for i, line in enumerate(lines) if "中心の課題X" in line)
    assert top < middle  # cells clockwise from the top left: 8 · centre · 4 in the middle row
    assert any("好きなこと・場所" in line and "地域活動・団体" in line for line in lines[top:middle + 2])
