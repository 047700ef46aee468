"""Drafts journey (issue 14), once per device: nothing typed is ever lost, and nothing is
stored before something is typed.

The 連絡員 reaches the つなぐシート from home in one tap, marks the ○/◎ grid and types the
フリガナ in kanji: the draft is saved all the same (the problem reported softly) and a reload
shows exactly what was typed. Clicking a sheet type and leaving leaves no draft. A
推進員's 申込票 with a future birth date and an unreadable 受付日 survives a reload and a
refused submit, which names every field (「生年月日: 未来の日付は入力できません。」). Leaving
a form with typing not yet saved asks first."""

from __future__ import annotations

import re
from typing import Any

from .conftest import SCREENSHOTS, login, screenshot
from .test_sheets_journey import mark

FUTURE = "令和20年5月1日"


def _drafts(username: str) -> int:
    from kasane.sheets.models import SheetRecord

    return SheetRecord.objects.filter(author__username=username, status="draft").count()


def _autosaved(page: Any, text: str) -> str:
    page.wait_for_selector(f"#autosave-status:has-text('{text}')")
    page.wait_for_url(re.compile(r"/sheets/records/\d+/edit/$"))  # the address is the draft's
    return page.inner_text("#autosave-status")


def _shot(page: Any, selector: str, name: str, device: str) -> None:
    """A picture of one part of the page (the ○/◎ grid), besides the full-page ones."""
    page.locator(selector).screenshot(path=str(SCREENSHOTS / f"{name}-{device}.png"))


def _liaison_draft(page: Any, device: str) -> None:
    login(page, "renrakuin")
    page.wait_for_selector("h1:has-text('わたしの仕事')")
    screenshot(page, "home-liaison-actions", device)
    page.click("[data-testid=home-action]:has-text('つなぐシートを書く')")  # one tap
    page.wait_for_selector("h1:has-text('つなぐシート')")
    assert "/sheets/new/liaison/" in page.url and _drafts("renrakuin") == 0
    page.wait_for_selector("html.js", state="attached")
    mark(page, "problems", "income", "○")
    mark(page, "problems", "care", "◎")
    mark(page, "problems", "health", "◎")  # a second ◎: the first one becomes ○
    assert page.is_checked("#f-problems-m-care") and page.is_checked("#f-problems-s-health")
    page.fill("[name='person.family_name_kana']", "小林")  # kanji where kana belongs
    page.fill("[name=concern]", "図書館に毎日来ている。食事をとっていない様子。")  # blurs it
    status = _autosaved(page, "提出前に直す項目が1件あります")
    assert "氏（フリガナ）: カタカナかひらがなで入力してください" in status
    assert _drafts("renrakuin") == 1 and "記録番号" in page.inner_text("#record-state")
    page.locator("[name=concern]").blur()
    page.wait_for_timeout(1500)  # the last autosave
    _shot(page, "#f-problems", "sheet-marks-grid", device)
    page.reload()
    assert page.input_value("[name='person.family_name_kana']") == "小林"
    assert page.input_value("[name=concern]").startswith("図書館に毎日来ている")
    for checked in ("#f-problems-m-income", "#f-problems-m-care", "#f-problems-s-health",
                    "#f-problems-n-debt"):
        assert page.is_checked(checked), checked
    assert "氏（フリガナ）: カタカナかひらがなで" in page.inner_text("[data-testid=draft-problems]")
    screenshot(page, "sheet-liaison-draft", device)
    # the legend stays in view while the grid scrolls
    page.evaluate("document.querySelector('#f-problems').scrollIntoView({block: 'start'});"
                  "window.scrollBy(0, 160)")  # the grid's top has scrolled out of view
    page.wait_for_timeout(100)
    legend = page.locator("#f-problems .mcm-legend").bounding_box()
    assert legend is not None and -1 <= legend["y"] <= 5, legend


def _no_empty_drafts(page: Any) -> None:
    before = _drafts("suishin")
    page.goto("/sheets/")
    page.click("[data-testid=new-intake_application]")
    page.wait_for_selector("form.sheet-form")
    page.goto("/sheets/")
    assert _drafts("suishin") == before


def _intake_draft(page: Any, device: str) -> None:
    page.goto("/sheets/")
    page.click("[data-testid=new-intake_application]")
    page.wait_for_selector("html.js", state="attached")
    page.fill("[name=received_on]", "令和8年13月")
    page.fill("[name='person.family_name']", "山田")
    page.fill("[name='person.birth_date']", FUTURE)
    page.fill("[name=request_detail]", "父の介護と長男のひきこもり。")
    _autosaved(page, "提出前に直す項目が")
    page.locator("[name=request_detail]").blur()
    page.wait_for_timeout(1500)
    page.reload()
    for name, typed in (("received_on", "令和8年13月"), ("person.birth_date", FUTURE),
                        ("person.family_name", "山田")):
        assert page.input_value(f"[name='{name}']") == typed, name
    screenshot(page, "sheet-draft-problems", device)
    with page.expect_navigation():
        page.click("[data-testid=submit]")
    summary = page.inner_text("[data-testid=form-errors]")
    assert "生年月日: 未来の日付は入力できません。" in summary
    assert "受付日: 日付として読めません" in summary and "名: 入力してください。" in summary
    assert "は必須です" not in summary
    assert "未来の日付は入力できません。" in page.inner_text("#f-person-birth_date")  # beside it
    screenshot(page, "sheet-submit-errors", device)
    page.reload()  # the refused submit kept the draft as typed
    assert page.input_value("[name='person.birth_date']") == FUTURE


def _leaving_asks(page: Any) -> None:
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.type)
        if len(asked) == 1:
            dialog.dismiss()  # stay on the page
        else:
            dialog.accept()

    page.on("dialog", answer)
    page.fill("[name='person.given_name']", "太郎")  # typed, not yet saved (no change yet)
    page.evaluate("document.querySelector('.breadcrumb a').click()")
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"] and "/edit/" in page.url
    page.evaluate("document.querySelector('.breadcrumb a').click()")
    page.wait_for_url(re.compile(r"/sheets/$"))
    assert asked == ["beforeunload", "beforeunload"]
    page.remove_listener("dialog", answer)


def test_it_keeps_every_draft_as_typed_and_stores_nothing_untyped(
        demo_city: Any, new_page: Any, device: str, blocked_requests: list[str]) -> None:
    page = new_page()
    _liaison_draft(page, device)
    page.context.clear_cookies()
    login(page, "suishin")
    page.wait_for_selector("h1:has-text('わたしの仕事')")
    _no_empty_drafts(page)
    _intake_draft(page, device)
    _leaving_asks(page)
    assert blocked_requests == []
