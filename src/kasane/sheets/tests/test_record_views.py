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
    r = client.get("/sheets/new/nine_grid/")
    assert r.status_code == 200 and not SheetRecord.objects.exists()
    key = r.context["form_key"]
    r = client.post("/sheets/new/nine_grid/", {"_form_key": key, "center": "課題", "_action": "save"})
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
    assert record.draft_answers == {}  # a submitted record keeps canonical answers only


def test_it_opens_a_sheet_without_creating_anything_until_something_is_typed(city, client) -> None:
    client.force_login(city.recorder)
    text = client.get("/sheets/").content.decode()
    assert 'href="/sheets/new/intake_application/"' in text  # a link, not a POST that creates
    r = client.get("/sheets/new/intake_application/")
    page = r.content.decode()
    assert r.status_code == 200 and "まだ保存されていません" in page
    assert 'action="/sheets/new/intake_application/"' in page
    assert 'hx-post="/sheets/new/intake_application/autosave/"' in page
    # the prefilled organization and name are not "typed": neither an autosave nor 下書き保存
    key = r.context["form_key"]
    prefill = {"_form_key": key, "received_by_org": str(city.orgs["shougai"].pk),
               "received_by": str(city.recorder.pk), "person.household.__rows": "0"}
    r = client.post("/sheets/new/intake_application/autosave/", prefill, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "HX-Replace-Url" not in r
    r = client.post("/sheets/new/intake_application/", {**prefill, "_action": "save"})
    assert r.status_code == 200 and "まだ何も入力されていません" in r.content.decode()
    assert not SheetRecord.objects.exists()
    r = client.post("/sheets/new/", {"code": "nine_grid"})  # the old button of a stale page
    assert r.status_code == 302 and r["Location"] == "/sheets/new/nine_grid/"
    assert not SheetRecord.objects.exists()
    client.force_login(city.liaison)
    assert client.get("/sheets/new/support_plan/").status_code == 403
    assert client.get("/sheets/new/nope/").status_code == 403
    client.force_login(city.recorder)
    assert client.get("/sheets/new/nope/").status_code == 404


def test_it_creates_the_draft_on_the_first_autosave_and_moves_the_address(city, client) -> None:
    client.force_login(city.recorder)
    key = client.get("/sheets/new/nine_grid/").context["form_key"]
    r = client.post("/sheets/new/nine_grid/autosave/", {"_form_key": key, "_lock_version": "",
                                                        "center": "課題"}, HTTP_HX_REQUEST="true")
    record = SheetRecord.objects.get()
    assert r.status_code == 200 and r["HX-Replace-Url"] == f"/sheets/records/{record.pk}/edit/"
    text = r.content.decode()
    assert "下書きを保存しました" in text and f"記録番号 {record.pk}" in text
    assert f'value="{record.lock_version}" hx-swap-oob="true"' in text
    # the same form's next autosave and its explicit save find the same draft
    client.post("/sheets/new/nine_grid/autosave/", {"_form_key": key,
                                                    "_lock_version": str(record.lock_version),
                                                    "center": "課題2"}, HTTP_HX_REQUEST="true")
    r = client.post("/sheets/new/nine_grid/", {"_form_key": key, "center": "課題3", "_action": "save"})
    assert r["Location"] == f"/sheets/records/{record.pk}/edit/"
    record.refresh_from_db()
    assert SheetRecord.objects.count() == 1 and record.answers == {"center": "課題3"}


def test_it_treats_the_new_form_as_its_draft_once_the_autosave_made_one(city, client) -> None:
    client.force_login(city.recorder)
    key = client.get("/sheets/new/outreach/").context["form_key"]
    r = client.post("/sheets/new/outreach/", {"_form_key": key, "contacts.__rows": "0",
                                              "_action": "add:contacts"})
    assert r.status_code == 200 and 'name="contacts.0.at"' in r.content.decode()
    assert not SheetRecord.objects.exists()  # a row added to an empty form stores nothing
    client.post("/sheets/new/outreach/autosave/", {"_form_key": key, "contacts.__rows": "1",
                                                   "contacts.0.summary": "不在"})
    record = SheetRecord.objects.get()
    r = client.post("/sheets/new/outreach/", {"_form_key": key, "contacts.__rows": "1",
                                              "contacts.0.summary": "不在", "_action": "add:contacts"})
    page = r.content.decode()
    assert f"記録番号 {record.pk}" in page and 'name="contacts.1.at"' in page
    assert f'data-replace-url="/sheets/records/{record.pk}/edit/"' in page
    record.refresh_from_db()
    assert record.draft_answers["contacts"] == [{"summary": "不在"}, {}]


def test_it_keeps_a_refused_new_submit_as_the_draft(city, client) -> None:
    client.force_login(city.recorder)
    key = client.get("/sheets/new/nine_grid/").context["form_key"]
    r = client.post("/sheets/new/nine_grid/", {"_form_key": key, "center": "課題", "_action": "submit"})
    record = SheetRecord.objects.get()
    page = r.content.decode()
    assert r.status_code == 400 and record.status == RecordStatus.DRAFT
    assert record.answers == {"center": "課題"}
    assert f'data-replace-url="/sheets/records/{record.pk}/edit/"' in page
    assert f'action="/sheets/records/{record.pk}/edit/"' in page


def test_it_keeps_whatever_was_typed_in_a_draft_and_shows_it_again(city, client) -> None:
    record = services.record_create_draft(actor=actor(city.recorder), code="intake_application")
    client.force_login(city.recorder)
    r = client.post(f"/sheets/records/{record.pk}/edit/", {
        "_lock_version": record.lock_version, "received_on": "令和8年13月",
        "person.birth_date": "令和30年1月1日", "request_detail": "大事な聞き取り",
        "problems.marked": ["income"], "problems.main": "debt", "_written_on": "きのう",
        "_action": "save"})
    assert r.status_code == 302
    record.refresh_from_db()
    assert record.answers["request_detail"] == "大事な聞き取り"
    assert "received_on" not in record.answers and "problems" not in record.answers
    page = client.get(f"/sheets/records/{record.pk}/edit/").content.decode()
    for typed in ("令和8年13月", "令和30年1月1日", "大事な聞き取り", 'value="きのう"'):
        assert typed in page
    assert 'id="f-problems-s-debt" data-mcm-main checked' in page  # ◎ without ○, as typed
    assert "提出前に直す項目があります（4件）" in page
    assert "下書きを保存しました（提出前に直す項目が4件あります）。" in page  # the save's message
    assert "生年月日: 未来の日付は入力できません。" in page
    assert "受付日: 日付として読めません" in page and "記入日: 日付として読めません" in page
    assert "相談内容: ◎は○を付けた項目に付けてください。" in page


def test_it_shows_every_refused_field_at_once_and_keeps_the_draft(city, client) -> None:
    record = services.record_create_draft(actor=actor(city.recorder), code="intake_application")
    client.force_login(city.recorder)
    r = client.post(f"/sheets/records/{record.pk}/edit/", {
        "_lock_version": record.lock_version, "person.birth_date": "2099-01-01",
        "person.family_name": "山田", "_action": "submit"})
    page = r.content.decode()
    assert r.status_code == 400 and 'data-testid="form-errors"' in page
    assert '<a href="#f-person-birth_date">生年月日: 未来の日付は入力できません。</a>' in page
    assert "受付日: 入力してください。" in page and "名: 入力してください。" in page
    assert "は必須です" not in page
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    assert record.draft_answers["person"]["birth_date"] == "2099-01-01"
    assert record.answers["person"] == {"family_name": "山田"}
    assert "2099-01-01" in client.get(f"/sheets/records/{record.pk}/edit/").content.decode()


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


def test_it_autosaves_via_htmx_and_reports_problems_softly(city, client) -> None:
    record = services.record_create_draft(actor=actor(city.recorder), code="intake_application")
    client.force_login(city.recorder)
    r = client.post(f"/sheets/records/{record.pk}/autosave/", {
        "_lock_version": record.lock_version, "problems.mark.income": "marked",
        "problems.mark.debt": "main"}, HTTP_HX_REQUEST="true")
    assert "下書きを保存しました" in r.content.decode()
    record.refresh_from_db()
    assert record.answers["problems"] == {"marked": ["income", "debt"], "main": "debt"}
    r = client.post(f"/sheets/records/{record.pk}/autosave/", {
        "_lock_version": record.lock_version, "problems.marked": ["income"], "problems.main": "debt",
        "person.birth_date": "2099-04-01"})
    text = r.content.decode()
    assert r.status_code == 200 and "提出前に直す項目が2件あります" in text
    assert "相談内容: ◎は○を付けた項目に付けてください。" in text
    assert "生年月日: 未来の日付は入力できません。" in text
    record.refresh_from_db()  # saved all the same, as typed
    assert record.draft_answers["problems"] == {"marked": ["income"], "main": "debt", "since": {}}
    assert record.draft_answers["person"]["birth_date"] == "2099-04-01"
    r = client.post(f"/sheets/records/{record.pk}/autosave/", {"_lock_version": "1", "center": "x"})
    assert r.status_code == 409 and "自動保存できませんでした" in r.content.decode()


def test_it_reads_the_marks_grid_one_choice_at_a_time(city, client) -> None:
    record = services.record_create_draft(actor=actor(city.recorder), code="intake_application")
    client.force_login(city.recorder)
    page = client.get(f"/sheets/records/{record.pk}/edit/").content.decode()
    # one radio group a choice: なし / ○ / ◎, each named with its choice for screen readers
    assert page.count('name="problems.mark.family_relations"') == 3
    assert '<span class="visually-hidden">家族関係・人間関係 </span>○</label>' in page
    assert 'role="radiogroup" aria-labelledby="f-problems-l-family_relations"' in page
    assert 'type="checkbox" name="problems.marked"' not in page
    assert '<p class="mcm-legend"' in page and "mcm-head" not in page  # not a grid cell
    client.post(f"/sheets/records/{record.pk}/edit/", {
        "problems.mark.income": "marked", "problems.mark.care": "main", "problems.mark.debt": "",
        "_action": "save"})
    record.refresh_from_db()
    assert record.answers["problems"] == {"marked": ["income", "care"], "main": "care"}
    r = client.post(f"/sheets/records/{record.pk}/edit/", {
        "problems.mark.income": "main", "problems.mark.care": "main", "_action": "submit"})
    assert "相談内容: ◎（いちばん困っていること）は1つだけにしてください。" in r.content.decode()


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
    assert r.status_code == 400 and "修正の理由: 入力してください。" in r.content.decode()
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


def test_it_prints_marks_chosen_on_the_grid(city, client, tmp_path) -> None:
    import subprocess

    me = actor(city.liaison)
    record = services.record_create_draft(actor=me, code="liaison")
    client.force_login(city.liaison)
    r = client.post(f"/sheets/records/{record.pk}/edit/", {
        **{k: str(v) for k, v in record.answers.items()}, **LIAISON, "consent_given": "false",
        "problems.mark.income": "marked", "problems.mark.care": "main", "_action": "submit"})
    assert r.status_code == 302, r.content.decode()
    record.refresh_from_db()
    assert record.answers["problems"] == {"marked": ["income", "care"], "main": "care"}
    path = tmp_path / "liaison.pdf"
    path.write_bytes(client.get(f"/sheets/records/{record.pk}/pdf/").content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert "○収入・生活費のこと" in text and "◎介護" in text
