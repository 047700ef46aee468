"""Sheets journey, once per device (the demo city loads once each): a 連絡員 sends a
つなぐシート from the library, the coordinator receives it, then fills and submits every
other standard sheet with realistic answers — 和暦 dates typed as 「令和8年11月2日」, ○/◎,
repeating rows, the person block, a PDF or photo attached (on a smartphone through the
「カメラで撮影」 input) — checks the ◎ rule and autosave on the way, prints two records to PDF
(one with an image thumbnail) and takes a screenshot of every submitted sheet."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from kasane.sheets.schema import STANDARD_CODES

from .conftest import login, logout, screenshot

# A step: ("fill", name, text) · ("choose", name, code) radio/checkbox or select ·
# ("pick", name, hint) an organization / user whose name contains hint ·
# ("rows", key, n) add n rows first · ("file", key, file name).
Step = tuple[Any, ...]
DAY = "令和8年11月2日"


def _person(family: str, given: str, kana_f: str, kana_g: str, birth: str = "") -> list[Step]:
    steps: list[Step] = [("fill", "person.family_name", family), ("fill", "person.given_name", given),
                         ("fill", "person.family_name_kana", kana_f),
                         ("fill", "person.given_name_kana", kana_g)]
    return steps + ([("fill", "person.birth_date", birth)] if birth else [])


YAMADA = _person("山田", "太郎", "やまだ", "タロウ", "昭和30年5月10日")
SUZUKI = _person("鈴木", "翔", "すずき", "ショウ", "平成10年4月3日")

SHEETS: dict[str, list[Step]] = {
    "intake_application": [
        ("rows", "person.household", 1),
        ("fill", "received_on", DAY), ("choose", "route", "family"), ("choose", "visitor", "family"),
        ("fill", "visitor_name", "山田 花子"), ("fill", "visitor_relation", "長女"), *YAMADA,
        ("choose", "person.sex", "male"), ("fill", "person.address", "重ね市北町2-3-4"),
        ("fill", "person.phone", "042-000-3333"), ("fill", "person.household.0.name", "山田 一郎"),
        ("choose", "person.household.0.relation", "child"),
        ("fill", "person.household.0.birth_or_age", "50歳"),
        ("choose", "person.household.0.lives_with", "true"),
        ("choose", "household_type", "couple_child"),
        ("mark", "problems", ["income", "care", "withdrawal_truancy"], "care"),
        ("fill", "problems_since", "3年前から"),
        ("fill", "request_detail", "父の介護と、同居する長男のひきこもりが重なっている。家計も苦しい。"),
        ("choose", "urgency", "soon"), ("choose", "disposition", "multi_agency"),
        ("choose", "triage", "3"), ("choose", "applies", "true"), ("pick", "consent_orgs", "包括"), ("pick", "consent_orgs", "福祉相談課"),
        ("choose", "consent_purposes", "information_sharing"),
        ("choose", "consent_purposes", "multilayer_meeting"), ("fill", "consent_on", DAY),
        ("choose", "consent_method", "written"), ("file", "signature", "同意書.pdf"),
    ],
    "intake_application_no_consent": [
        ("fill", "received_on", "R8.10.15"), ("choose", "route", "resident"),
        ("choose", "visitor", "other"), ("fill", "visitor_other", "近隣住民"),
        ("fill", "visitor_name", "近隣住民"), ("fill", "visitor_relation", "隣人"),
        ("fill", "person.identity_note", "南町アパート2階の40代男性"),
        ("mark", "problems", ["withdrawal_truancy"], None),
        ("fill", "request_detail", "この半年ほど姿を見かけなくなった。郵便受けがあふれている。"),
        ("choose", "urgency", "normal"), ("choose", "disposition", "support_meeting"),
        ("choose", "no_consent_reason", "not_met"), ("choose", "support_meeting_request", "true"),
    ],
    "intake_assessment": [
        ("rows", "member_problems", 1), ("rows", "agencies", 1),
        ("fill", "assessed_on", DAY), *YAMADA, ("choose", "housing", "own"),
        ("choose", "income_sources", "pension"), ("choose", "income_sources", "family"),
        ("choose", "employment", "not_seeking"), ("choose", "care_level", "c2"),
        ("mark", "problems", ["income", "care"], "care"),
        ("fill", "member_problems.0.member", "山田 一郎（長男）"),
        ("choose", "member_problems.0.problems", "withdrawal_truancy"),
        ("fill", "household_issue", "父の介護を担ってきた長男が離職し、ひきこもりがちに。年金だけで暮らしている。"),
        ("choose", "duration", "lt3y"), ("pick", "agencies.0.org", "包括支援センター北部"),
        ("fill", "agencies.0.staff", "佐々木"), ("fill", "agencies.0.involvement", "介護保険の申請"),
        ("fill", "agencies.0.since", "令和5年"), ("choose", "informal", "neighbor"),
        ("choose", "isolation", "partial"), ("file", "genogram", "ジェノグラム.png"),
        ("fill", "wishes", "父は自宅で暮らし続けたい。長男は働きたい気持ちがある。"),
        ("fill", "strengths", "近所の友人が毎週訪ねてくる。"), ("choose", "help_seeking", "partial"),
        ("choose", "risks", "finance"), ("choose", "triage", "3"),
        ("choose", "multi_agency_needed", "true"), ("choose", "next_forum", "multilayer_meeting"),
        ("fill", "direction", "介護サービスの導入と、長男の参加支援を並行して進める。"),
    ],
    "comprehensive_consultation": [
        ("fill", "consulted_on", DAY), ("choose", "program", "elderly"), ("choose", "method", "visit"),
        ("choose", "requester", "family"), *_person("中村", "節子", "なかむら", "セツコ", "昭和15年2月3日"),
        ("mark", "problems", ["income", "care"], None),  # no ◎ yet: the form must refuse it
        ("fill", "summary", "介護と家計の相談。娘が同居を始めた。"),
        ("choose", "own_action", "continuing"), ("choose", "consent_state", "oral"),
    ],
    "outreach": [
        ("rows", "contacts", 1),
        ("fill", "found_on", "令和8年10月20日"), ("choose", "found_via", "minsei"),
        ("fill", "person.identity_note", "東町の一軒家の60代男性"),
        ("choose", "situation", "isolation"), ("choose", "situation", "hoarding"),
        ("choose", "consent_state", "none"), ("fill", "contacts.0.at", "令和8年11月2日 10:00"),
        ("choose", "contacts.0.method", "visit"), ("choose", "contacts.0.reached", "false"),
        ("choose", "contacts.0.not_reached_reason", "absent"),
        ("choose", "contacts.0.relationship_stage", "not_met"),
        ("fill", "contacts.0.summary", "不在。手紙を投函した。"),
    ],
    "participation": [
        ("rows", "offers", 1), *SUZUKI, ("choose", "basis", "consent_only"),
        ("fill", "wishes", "人と話せる場所に週1回くらい行きたい。"),
        ("choose", "role_wanted", "attend"), ("choose", "role_wanted", "volunteer"),
        ("choose", "days", "mon"), ("choose", "days", "wed"),
        ("fill", "offers.0.resource", "いばしょカフェ北町"), ("fill", "offers.0.on", DAY),
        ("choose", "offers.0.answer", "accepted"),
    ],
    "area_issue": [
        ("rows", "discussions", 1),
        ("fill", "area", "北部"), ("choose", "raised_by", "csw"), ("choose", "themes", "shopping"),
        ("choose", "themes", "mobility"), ("fill", "title", "買い物に行けない高齢世帯が増えている"),
        ("fill", "description", "北町のスーパー閉店後、坂の上の団地で買い物に困る声が多い。"),
        ("choose", "status", "discussing"), ("fill", "discussions.0.on", DAY),
        ("fill", "discussions.0.meeting", "北部福祉のまちづくり委員会"),
        ("fill", "discussions.0.content", "移動販売の誘致を検討する。"),
    ],
    "support_plan": [
        ("rows", "goals", 1), ("rows", "roles", 1),
        ("fill", "created_on", DAY), ("choose", "kind", "new"), *YAMADA,
        ("fill", "wishes", "父は自宅で暮らし続けたい。"),
        ("fill", "long_goal", "父が在宅で安心して暮らし、長男が地域とつながる。"),
        ("choose", "goals.0.problem", "care"), ("fill", "goals.0.goal", "介護サービスを使い始める"),
        ("fill", "goals.0.period", "3か月"), ("pick", "roles.0.org", "包括支援センター北部"),
        ("fill", "roles.0.support", "ケアプランの作成と訪問介護の調整"), ("fill", "roles.0.frequency", "月1回"),
        ("pick", "lead_org", "福祉相談課"), ("pick", "lead_person", "推進"), ("choose", "programs", "participation"),
        ("fill", "review_on", "令和9年2月1日"), ("choose", "applicant_consent", "true"),
        ("fill", "applicant_consent_on", DAY), ("file", "applicant_consent_file", "申込書.jpg"),
    ],
    "closure_evaluation": [
        ("rows", "goal_evaluations", 1),
        ("fill", "closed_on", DAY), *YAMADA, ("choose", "scope", "multi_agency"),
        ("choose", "reason", "roles_agreed"), ("fill", "goal_evaluations.0.goal", "介護サービスを使い始める"),
        ("choose", "goal_evaluations.0.result", "met"),
        ("fill", "changes", "訪問介護が週3回入り、長男が居場所に通い始めた。"),
        ("choose", "follow_up", "watching"), ("pick", "watch_org", "包括支援センター北部"),
        ("fill", "watch_method", "月1回の電話"), ("fill", "next_check_on", "令和8年12月1日"),
    ],
    "proposal": [
        ("fill", "applied_on", DAY), *SUZUKI, ("choose", "consent_state", "yes"),
        ("fill", "request", "不登校から続くひきこもり。家族だけでは支えきれない。"),
        ("fill", "answered_on", DAY), ("choose", "decision", "needed"),
        ("choose", "forum", "multilayer_meeting"), ("file", "documents", "経過記録.pdf"),
    ],
    "nine_grid": [
        ("fill", "center", "長男のひきこもりと父の介護"), ("fill", "cell_1", "料理が得意"),
        ("fill", "cell_2", "長女が週末に来る"), ("fill", "cell_3", "隣の佐藤さん"),
        ("fill", "cell_5", "地域包括支援センター"), ("file", "map", "9マス.png"),
    ],
}


def _files(tmp: Path) -> dict[str, Path]:
    from PIL import Image, ImageDraw

    out = {}
    for name in ("ジェノグラム.png", "9マス.png", "申込書.jpg"):
        img = Image.new("RGB", (640, 480), "white")
        draw = ImageDraw.Draw(img)
        for i in range(3):
            draw.rectangle((40 + i * 190, 40, 200 + i * 190, 200), outline="black", width=4)
        draw.ellipse((260, 260, 380, 380), outline="navy", width=6)
        buf = io.BytesIO()
        img.save(buf, format="JPEG" if name.endswith(".jpg") else "PNG")
        (tmp / name).write_bytes(buf.getvalue())
        out[name] = tmp / name
    for name in ("同意書.pdf", "経過記録.pdf"):
        (tmp / name).write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        out[name] = tmp / name
    return out


def _new(page: Any, code: str) -> None:
    page.goto("/sheets/")
    page.click(f"[data-testid=new-{code}]")
    page.wait_for_selector("form.sheet-form")


def _choose(page: Any, name: str, code: str) -> None:
    select = page.locator(f"select[name='{name}']")
    if select.count():
        select.select_option(code)
    else:
        page.check(f"input[name='{name}'][value='{code}']")


def _pick(page: Any, name: str, hint: str) -> None:
    """The first organization / user whose name contains ``hint`` (ids differ per demo load)."""
    select = page.locator(f"select[name='{name}']")
    if select.count():
        value = select.locator("option", has_text=hint).first.get_attribute("value")
        select.select_option(value)
    else:
        page.locator(f"label.option:has(input[name='{name}'])", has_text=hint).first \
            .locator("input").check()


def _fill(page: Any, steps: list[Step], files: dict[str, Path], device: str) -> None:
    for step in steps:  # rows first: adding a row posts the form and renders it again
        if step[0] == "rows":
            for _ in range(step[2]):
                page.click(f"button[value='add:{step[1]}']")
                page.wait_for_load_state()
    for step in steps:
        kind, name = step[0], step[1]
        if kind == "fill":
            page.fill(f"[name='{name}']", step[2])
        elif kind == "choose":
            _choose(page, name, step[2])
        elif kind == "pick":
            _pick(page, name, step[2])
        elif kind == "mark":
            for code in step[2]:
                mark(page, name, code, "○" if code != step[3] else "◎")
        elif kind == "file":
            # a photo on a smartphone comes from the camera input (capture), a PDF from files
            camera = device == "smartphone" and not step[2].endswith(".pdf")
            inputs = page.locator(f"input[type=file][name='{name}.__upload']")
            inputs.nth(1 if camera else 0).set_input_files(str(files[step[2]]))


def mark(page: Any, name: str, code: str, symbol: str) -> None:
    """Tap ○ or ◎ of one choice on the ○/◎ grid (a segmented radio group a choice)."""
    kind = {"○": "m", "◎": "s", "なし": "n"}[symbol]
    page.click(f"label[for='f-{name.replace('.', '-')}-{kind}-{code}']")


def _submit(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.click("[data-testid=submit]")
    errors = page.locator("[data-testid=form-errors]")
    assert not errors.count(), f"{code}: {errors.inner_text()}"


def _attachments_shown(page: Any, steps: list[Step]) -> None:
    for step in steps:
        if step[0] == "file":
            files = page.locator(f"[data-testid=files-{step[1]}]")
            assert step[2] in files.inner_text()
            if not step[2].endswith(".pdf"):
                assert files.locator("img.sheet-thumb").count() == 1


def _liaison(page: Any, device: str) -> None:
    login(page, "renrakuin")
    _new(page, "liaison")
    page.check("input[name=consent_given][value=true]")
    page.check("input[name=consent_method][value=oral]")
    _fill(page, _person("小林", "誠", "コバヤシ", "マコト"), {}, device)
    page.fill("[name=concern]", "閉館まで毎日過ごしていて、食事をとっていない様子。")
    page.check("input[name=contact_preference][value=facility]")
    page.check("input[name=urgency][value=soon]")
    screenshot(page, "sheet-liaison-form", device)
    _submit(page, "liaison")
    page.wait_for_selector("[data-testid=route-status]:has-text('送信済み')")
    screenshot(page, "sheet-record-liaison", device)
    page.goto("/")
    assert "小林 誠" in page.inner_text("main")
    screenshot(page, "home-liaison-sent", device)
    logout(page, device)
    login(page, "suishin")
    page.wait_for_selector("h1:has-text('わたしの仕事')")
    page.click("a:has-text('小林 誠')")
    page.select_option("#route-status", "received")
    page.click("button:has-text('更新')")
    page.wait_for_selector("[data-testid=route-status]:has-text('受理')")
    screenshot(page, "sheet-liaison-received", device)


def test_it_fills_submits_and_prints_every_standard_sheet(demo_city: Any, new_page: Any, device: str,
                                                          blocked_requests: list[str],
                                                          tmp_path: Path) -> None:
    assert set(SHEETS) | {"liaison"} == set(STANDARD_CODES)
    files = _files(tmp_path)
    page = new_page()
    _liaison(page, device)  # ends logged in as the coordinator (suishin)
    printed = {}
    for code, steps in SHEETS.items():
        _new(page, code)
        if code == "outreach":  # rows: a second row is added, then removed; typed values stay
            page.click("button[value='add:contacts']")
            page.fill("[name='contacts.0.at']", "令和8年11月2日 10:00")
            page.click("button[value='add:contacts']")
            page.wait_for_selector("[name='contacts.1.at']")
            assert page.locator("[name='contacts.0.at']").input_value() == "令和8年11月2日 10:00"
            screenshot(page, "sheet-form-rows", device)
            page.click("button[value='remove:contacts.1']")
            page.wait_for_selector("[name='contacts.1.at']", state="detached")
            steps = [s for s in steps if s[0] != "rows"]
        _fill(page, steps, files, device)
        if code == "comprehensive_consultation":
            page.locator("[data-testid=autosaved]").wait_for()  # htmx autosave after a change
            with page.expect_navigation():
                page.click("[data-testid=submit]")
            assert "いちばん困っていること（◎）" in page.locator("[data-testid=form-errors]").inner_text()
            assert page.locator("[name='person.family_name']").input_value() == "中村"  # nothing lost
            screenshot(page, "sheet-form-errors", device)
            mark(page, "problems", "care", "◎")
        if code == "nine_grid":  # the autosave still works on the multipart form (files left out)
            page.locator("[data-testid=autosaved]").wait_for()
            screenshot(page, "sheet-form-nine_grid", device)
        _submit(page, code)
        text = page.inner_text("main")
        assert "提出しました。" in text and "令和8年" in text, code
        if code == "comprehensive_consultation":
            assert "ナカムラ" in text and "◎介護" in text  # kana converted, ◎ kept
        _attachments_shown(page, steps)
        printed[code] = page.get_attribute("[data-testid=pdf-link]", "href")
        screenshot(page, f"sheet-record-{code}", device)
    page.goto("/sheets/")
    screenshot(page, "sheets-index", device)
    for code in ("intake_application", "nine_grid"):
        pdf = page.request.get(printed[code])
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF"), code
    assert b"/Subtype /Image" in page.request.get(printed["nine_grid"]).body()  # the thumbnail
    assert blocked_requests == []
