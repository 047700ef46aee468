"""Layout at the commonest office screen (1366 × 768) and on a phone (issue 14): the menu is
one row, the 所属 switcher opens whole from the user menu, home cards are as tall as their
content. Checked on the demo's busiest menu (推進員: 10 entries and 「その他」, two 所属)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from .conftest import login, open_user_menu, screenshot

TEXT_FITS = """el => {
  const style = getComputedStyle(el);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = style.font;
  const text = ctx.measureText(el.options[el.selectedIndex].text).width;
  const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return text <= room;
}"""

ROWS = """() => [...document.querySelectorAll('.site-nav > ul > li')].map(
  li => [li.textContent.trim().slice(0, 12), Math.round(li.getBoundingClientRect().top)])"""
ONE_ROW = f"() => new Set(({ROWS})().map(([, top]) => top)).size === 1"

CARD_GAPS = """() => [...document.querySelectorAll('.home-cards > .card')].map(card => {
  const last = card.lastElementChild.getBoundingClientRect().bottom;
  return card.getBoundingClientRect().bottom - last;
})"""


def test_the_menu_is_one_row_and_the_switcher_is_whole(demo_city: Any, new_page: Any,
                                                       device: str,
                                                       blocked_requests: list[str]) -> None:
    page = new_page()
    login(page, "suishin")
    page.wait_for_selector("h1:has-text('わたしの仕事')")
    width = page.viewport_size["width"]
    if device == "desktop":
        assert width == 1366
        # the settled layout: once in CI under load one item sat 86 px lower for a moment
        # (cause not found; the message below names the items and their rows if it stays)
        try:
            page.wait_for_function(ONE_ROW, timeout=5000)
        except PlaywrightTimeout:
            raise AssertionError(f"the menu wraps: {page.evaluate(ROWS)}") from None
        page.click("details[data-nav-more] summary")  # the rarer pages sit under 「その他」
        expect(page.locator("details[data-nav-more] a", has_text="名寄せ候補")).to_be_visible()
        page.click("details[data-nav-more] summary")
        header = page.locator(".site-header").bounding_box()
        assert header["height"] < 70
        summary = page.locator("details[data-user-menu] summary").bounding_box()
        assert summary["x"] + summary["width"] <= width
        assert summary["y"] < header["height"]  # beside the menu, not below it
    # home cards end with their content (no card stretched to the tallest)
    gaps = page.evaluate(CARD_GAPS)
    assert gaps and max(gaps) < 40, gaps
    open_user_menu(page, device)
    switch = page.locator("#membership-switch")
    box = switch.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert switch.evaluate(TEXT_FITS), "the acting 所属 is cut off in the switcher"
    assert "重ね市社会福祉協議会" in switch.inner_text()
    screenshot(page, "header-user-menu", device)
    page.keyboard.press("Escape")
    assert not blocked_requests
