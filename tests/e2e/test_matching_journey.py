"""名寄せ journey (issue 8): the coordinator (推進員, 市 福祉相談課) finds 名寄せ候補 on the home
inbox, opens the queue, reviews the 髙橋/高橋 和夫 pair side by side with the engine's
explanations, decides 同一人物 and sees the merged person page; the pair whose other record
the coordinator has no basis to see shows only that a candidate exists. 地域包括 still sees
neither the 社協 record nor that a merge happened. One test per device."""

from __future__ import annotations

import re
from typing import Any

from .conftest import login, screenshot


def _as(page: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)
    page.wait_for_selector("h1:has-text('わたしの仕事')")


def test_it_lets_a_coordinator_resolve_a_duplicate_pair(
        demo_city: Any, new_page: Any, device: str, blocked_requests: list[str]) -> None:
    page = new_page()
    _as(page, "suishin")
    assert "名寄せ候補" in page.inner_text("main")
    home_count = page.inner_text("section:has(h2:has-text('名寄せ候補')) .count")

    # the queue: decidable pairs with band and score, the half-visible one without the other side
    page.goto("/people/matching/")
    page.wait_for_selector("[data-testid=match-candidates]")
    table = page.inner_text("[data-testid=match-candidates]")
    assert "髙橋\u3000和夫" in table and "高橋\u3000和夫" in table
    assert "一致の可能性が高い" in table
    assert "閲覧の根拠がないため表示しません" in table and "渡邉" not in table
    # the home page and the queue count the same candidates, in the same words
    count = page.inner_text("[data-testid=match-count]")
    assert f"判断できる候補 {home_count} 件" in count and "相手の記録を閲覧できない候補 1 件" in count
    assert "点以上が名寄せ候補" in page.inner_text("[data-testid=match-scale]")
    screenshot(page, "matching-queue", device)

    # the pair review: side by side, the engine's labels
    page.click("tr:has-text('和夫') a:has-text('確認する')")
    page.wait_for_selector("[data-testid=match-compare]")
    labels = page.inner_text("[data-testid=match-comparisons]")
    assert "異体字を同一視" in labels and "入れ替わり" in labels
    assert "重ね市社会福祉協議会" in page.inner_text("[data-testid=match-compare]")
    # the differences are marked, with the score on its scale
    assert "表記の違い" in page.inner_text("[data-testid='compare-氏名']")  # 髙橋 / 高橋
    assert "相違" in page.inner_text("[data-testid='compare-生年月日']")  # 4月3日 / 3月4日
    assert "表記の違い" in page.inner_text("[data-testid='compare-住所']")  # 三丁目4番5号 / 3-4-5
    assert page.locator("[data-testid='compare-氏名'] mark").first.inner_text() == "髙"
    assert "点以上" in page.inner_text("[data-testid=match-verdict]")
    page.check("input[name=decision][value=same]")
    page.fill("textarea[name=note]", "本人に電話で生年月日（4月3日）を確認")
    screenshot(page, "matching-review", device)
    page.click("form.match-decision button[type=submit]")

    # the merged person page: both source records, each with its own basis
    page.wait_for_selector("[data-testid=identity-members]")
    members = page.inner_text("[data-testid=identity-members]")
    assert "髙橋\u3000和夫" in members and "高橋\u3000和夫" in members
    assert "根拠: 自機関の記録" in members and "根拠: 本人同意" in members
    assert "統合を解除" in page.inner_text("main")
    screenshot(page, "matching-merged", device)
    person_id = re.search(r"/people/(\d+)/identity/", page.url).group(1)  # type: ignore[union-attr]
    page.goto(f"/people/{person_id}/")
    page.wait_for_selector("[data-testid=identity-summary]")

    # the pair with an invisible side: only that a candidate exists
    page.goto("/people/matching/?status=pending&visibility=one")
    page.click("[data-testid=match-candidates] a:has-text('表示')")
    page.wait_for_selector("[data-testid=match-one-side]")
    assert "渡邉" not in page.inner_text("main") and "子ども家庭" not in page.inner_text("main")

    # 社協 (recorded 高橋) sees its own record only: no summary, no merged members
    _as(page, "csw")
    page.goto("/people/?q=タカハシ カズオ")
    page.click("a:has-text('高橋')")
    page.wait_for_selector("[data-testid=person-name]")
    assert page.locator("[data-testid=identity-summary]").count() == 0
    assert page.goto(f"/people/{person_id}/").status == 404
    assert not blocked_requests
