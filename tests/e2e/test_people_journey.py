"""Issue 4 journey: 障害相談 registers a person and records consent for 地域包括 (北部);
地域包括 finds them; withdrawal hides them again; 監査 sees the disclosure report."""

from __future__ import annotations

import re
from typing import Any

from .conftest import login, logout, open_menu, screenshot


def _search(page: Any, q: str) -> None:
    page.goto("/people/")
    page.fill("input[name=q]", q)
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()


def test_it_shares_a_person_on_consent_and_hides_them_after_withdrawal(
        demo_city: Any, new_page: Any, device: str, blocked_requests: list[str]) -> None:
    page = new_page()
    page.on("dialog", lambda dialog: dialog.accept())

    # 障害相談 registers a person (和暦 birth date, hiragana kana)
    login(page, "shougai")
    page.goto("/people/new/")
    page.fill("input[name=family_name]", "重野")
    page.fill("input[name=given_name]", "みらい")
    page.fill("input[name=family_name_kana]", "しげの")
    page.fill("input[name=given_name_kana]", "みらい")
    page.fill("input[name=birth_date]", "平成2年5月3日")
    page.fill("input[name=address]", "重ね市本町2丁目3番4号")
    page.fill("input[name=phone]", "03-5555-2222")
    screenshot(page, "people-create", device)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=person-name]")
    assert "重野" in page.inner_text("[data-testid=person-name]")
    person_id = re.search(r"/people/(\d+)/", page.url).group(1)  # type: ignore[union-attr]

    # … and records consent for 地域包括支援センター北部
    page.click("a:has-text('本人同意を記録')")
    page.get_by_label("地域包括支援センター北部").check()
    page.get_by_label("関係機関との情報共有").check()
    page.fill("input[name=obtained_on]", "R6.4.1")
    page.get_by_label("書面").check()
    screenshot(page, "people-consent", device)
    page.click("main form.consent-form button[type=submit]")
    page.wait_for_selector("[data-testid=consents]")
    assert "地域包括支援センター北部" in page.inner_text("[data-testid=grants]")
    screenshot(page, "people-detail", device)
    logout(page, device)

    # 地域包括 (北部) finds them by kana and opens the page on the consent basis
    login(page, "houkatsu1")
    _search(page, "シゲノ")
    page.wait_for_selector("[data-testid=search-results]")
    screenshot(page, "people-search", device)
    page.click("a:has-text('重野')")
    page.wait_for_selector("text=根拠: 本人同意")
    assert "重ね市本町2丁目3番4号" in page.inner_text("[data-testid=person-address]")
    logout(page, device)

    # 障害相談 withdraws the consent
    login(page, "shougai")
    page.goto(f"/people/{person_id}/")
    page.click("[data-testid=consents] a:has-text('撤回')")
    page.fill("textarea[name=reason]", "本人から共有をやめたいとの申出")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=撤回 ")
    logout(page, device)

    # 地域包括 no longer finds them, and the page answers 404
    login(page, "houkatsu1")
    _search(page, "シゲノ")
    page.wait_for_selector("[data-testid=search-empty]")
    response = page.goto(f"/people/{person_id}/")
    assert response is not None and response.status == 404
    screenshot(page, "people-not-visible", device)
    logout(page, device)

    # 監査 sees the disclosure report: the consent read and the later denial
    login(page, "kansa")
    open_menu(page, device)
    page.click("nav a:has-text('開示記録')")
    page.fill("input[name=person_id]", person_id)
    page.click("main form button[type=submit]")
    table = page.wait_for_selector("[data-testid=disclosure-table]")
    text = table.inner_text()
    assert "本人同意" in text and "拒否" in text and "地域包括支援センター北部" in text
    screenshot(page, "people-disclosures", device)
    assert blocked_requests == []


def test_it_masks_the_restricted_demo_person(demo_city: Any, new_page: Any, device: str) -> None:
    page = new_page()
    login(page, "suishin")  # 福祉相談課 is named on the consent, not on the restriction
    person = demo_city["persons"]["restricted"]
    page.goto(f"/people/{person.pk}/")
    page.wait_for_selector("[data-testid=restricted]")
    assert page.inner_text("[data-testid=person-address]") == "閲覧制限"
    screenshot(page, "people-restricted", device)
    page.goto("/people/emergency/")
    page.wait_for_selector("h1:has-text('緊急アクセスの確認')")
    screenshot(page, "people-emergency-queue", device)
