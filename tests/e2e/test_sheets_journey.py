"""Sheets journey: fill standard sheets on desktop and smartphone, print to PDF, and a
つなぐシート from a 連絡員's smartphone reaching the coordinator's inbox."""

from __future__ import annotations

from typing import Any

from kasane.sheets.schema import STANDARD_CODES

from .conftest import login, screenshot


def _new(page: Any, code: str) -> None:
    page.goto("/sheets/")
    page.click(f"[data-testid=new-{code}]")
    page.wait_for_selector("form.sheet-form")


def test_it_opens_every_standard_sheet_as_a_form(demo_city: Any, new_page: Any, device: str,
                                                 blocked_requests: list[str]) -> None:
    page = new_page()
    login(page, "suishin")
    for code in STANDARD_CODES:
        if code == "liaison":
            continue  # a coordinator does not write つなぐシート; covered below by the 連絡員
        _new(page, code)
        assert page.locator("[data-testid=submit]").is_visible()
        if code in {"intake_application", "outreach"}:
            screenshot(page, f"sheet-form-{code}", device)
    page.goto("/sheets/")
    screenshot(page, "sheets-index", device)
    assert blocked_requests == []


def test_it_fills_autosaves_submits_and_prints_a_consultation(demo_city: Any, new_page: Any,
                                                             device: str) -> None:
    page = new_page()
    login(page, "houkatsu1")
    _new(page, "comprehensive_consultation")
    page.fill("[name=consulted_on]", "R6.4.1")
    page.press("[name=consulted_on]", "Tab")  # change → htmx autosave after 1 s
    page.locator("[data-testid=autosaved]").wait_for()
    page.select_option("select[name=program]", "elderly")
    page.check("input[name=method][value=visit]")
    page.check("input[name=requester][value=family]")
    page.fill("[name='person.family_name']", "中村")
    page.fill("[name='person.given_name']", "節子")
    page.fill("[name='person.family_name_kana']", "なかむら")
    page.fill("[name='person.given_name_kana']", "セツコ")
    page.fill("[name='person.birth_date']", "昭和15年2月3日")
    page.check("input[name='problems.marked'][value=care]")
    page.check("input[name='problems.marked'][value=income]")
    page.click("[data-testid=submit]")
    errors = page.locator("[data-testid=form-errors]")
    assert "いちばん困っていること（◎）" in errors.inner_text()
    assert page.locator("[name='person.family_name']").input_value() == "中村"  # nothing lost
    screenshot(page, "sheet-form-errors", device)
    page.check("input[name='problems.main'][value=care]")
    page.fill("[name=summary]", "介護と家計の相談。")
    page.check("input[name=own_action][value=continuing]")
    page.check("input[name=consent_state][value=oral]")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=提出しました。")
    assert "ナカムラ" in page.inner_text("main") and "◎介護" in page.inner_text("main")
    screenshot(page, "sheet-record", device)
    pdf = page.request.get(page.get_attribute("[data-testid=pdf-link]", "href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


def test_it_adds_repeating_rows(demo_city: Any, new_page: Any, device: str) -> None:
    page = new_page()
    login(page, "csw")
    _new(page, "outreach")
    page.click("button:has-text('＋ 接触を追加')")
    page.wait_for_selector("[name='contacts.0.at']")
    page.fill("[name='contacts.0.at']", "令和6年5月1日 10:00")
    page.check("input[name='contacts.0.reached'][value=false]")
    page.click("button:has-text('＋ 接触を追加')")
    page.wait_for_selector("[name='contacts.1.at']")
    assert page.locator("[name='contacts.0.at']").input_value() == "令和6年5月1日 10:00"
    page.click("button:has-text('この行を削除') >> nth=1")
    page.wait_for_selector("[name='contacts.1.at']", state="detached")
    screenshot(page, "sheet-form-rows", device)


def test_it_routes_a_liaison_sheet_to_the_coordinators_inbox(demo_city: Any, new_page: Any,
                                                            device: str) -> None:
    page = new_page()
    login(page, "renrakuin")
    _new(page, "liaison")
    page.check("input[name=consent_given][value=true]")
    page.check("input[name=consent_method][value=oral]")
    page.fill("[name='person.family_name']", "小林")
    page.fill("[name='person.given_name']", "誠")
    page.fill("[name='person.family_name_kana']", "コバヤシ")
    page.fill("[name='person.given_name_kana']", "マコト")
    page.fill("[name=concern]", "閉館まで毎日過ごしていて、食事をとっていない様子。")
    page.check("input[name=contact_preference][value=facility]")
    page.check("input[name=urgency][value=soon]")
    screenshot(page, "sheet-liaison-form", device)
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=route-status]:has-text('送信済み')")
    page.goto("/")
    assert "小林 誠" in page.inner_text("main")
    screenshot(page, "home-liaison-sent", device)
    if device == "smartphone":
        page.click("[data-nav-toggle]")
    page.click("button:has-text('ログアウト')")
    login(page, "suishin")
    page.wait_for_selector("h1:has-text('わたしの仕事')")
    page.click("a:has-text('小林 誠')")
    page.select_option("#route-status", "received")
    page.click("button:has-text('更新')")
    page.wait_for_selector("[data-testid=route-status]:has-text('受理')")
    screenshot(page, "sheet-liaison-received", device)
