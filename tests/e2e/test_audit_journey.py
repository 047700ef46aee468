"""The 監査 reads the audit trail in Japanese (issue 14): actions, objects and legal bases by
name, the 操作 and 記録の種類 filters as lists of names grouped by area; a case's change values
only after 「内容を表示」 with a reason (issue 22)."""

from __future__ import annotations

import re
from typing import Any

from .conftest import login, open_menu, screenshot


def test_an_auditor_reads_the_log_by_names(demo_city: Any, new_page: Any, device: str,
                                           blocked_requests: list[str]) -> None:
    page = new_page()
    login(page, "kansa")
    page.wait_for_selector("h1:has-text('わたしの仕事')")
    open_menu(page, device)
    page.click("nav a:has-text('監査ログ')")
    page.wait_for_selector("[data-testid=audit-table]")
    groups = page.locator("select[name=action] optgroup")
    assert {groups.nth(i).get_attribute("label") for i in range(groups.count())} >= \
        {"本人", "帳票", "ケース", "会議", "PDCA"}
    page.select_option("select[name=action]", label="本人情報の閲覧")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=audit-table]")
    table = page.inner_text("[data-testid=audit-table]")
    assert "本人情報の閲覧" in table and "本人 #" in table
    assert "person.view" not in table and "people.Person" not in table
    screenshot(page, "audit-log", device)

    page.click("nav.tabs a:has-text('変更履歴')")
    page.select_option("select[name=model]", label="ケース")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=changes-table]")
    changes = page.inner_text("[data-testid=changes-table]")
    assert "ケース #" in changes and "作成" in changes and "cases.Case" not in changes
    assert "model=cases.Case" in page.url
    # one case's history, as a link to it would ask for (model + object_id)
    case_id = re.search(r"ケース #(\d+)", changes).group(1)  # type: ignore[union-attr]
    page.fill("input[name=object_id]", case_id)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=changes-table]")
    one = page.inner_text("[data-testid=changes-table]")
    assert set(re.findall(r"ケース #(\d+)", one)) == {case_id}
    # a case's changes are listed as field names; values only after a reason (issue 22)
    assert "状態" in one and "→" not in one and "内容を表示" in one
    screenshot(page, "audit-changes", device)
    page.locator("[data-testid=changes-table] a:has-text('内容を表示')").last.click()
    page.wait_for_selector("[data-testid=change-fields]")
    page.fill("textarea[name=reason]", "開示請求第3号の調査のため")
    page.click("main form button:has-text('内容を表示')")
    page.wait_for_selector("[data-testid=change-values]")
    assert "受付" in page.inner_text("[data-testid=change-values]")
    assert "記録されました" in page.inner_text("[data-testid=opened-note]")
    screenshot(page, "audit-change-opened", device)
    assert not blocked_requests
