"""Statistics journey (issue 19): 事務局 opens the national report for 令和7年度 (the demo's
full year), its 点検 list and a figure's drill-down (count only: no personal data), then the
dashboards; a 委員 sees the same charts with small cells suppressed."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import login, logout, open_menu, screenshot


def test_the_secretariat_reads_the_national_report_and_the_dashboards(
        demo_city: Any, new_page: Any, device: str, blocked_requests: list[str]) -> None:
    page = new_page()
    login(page, "jimukyoku")
    open_menu(page, device)
    page.click("#site-nav a:has-text('統計')")
    expect(page.locator("h1")).to_contain_text("統計指標")
    page.goto("/stats/national/?fiscal_year=2025")
    expect(page.locator("h1")).to_contain_text("国への報告（令和7年度）")
    expect(page.locator("[data-testid='cell-P4-1'] a")).to_contain_text("人")  # from the records
    expect(page.locator("[data-testid='cell-P0-3-budget']")).to_contain_text("未入力")  # typed cell
    new_cases = page.locator("[data-testid='cell-P1-2'] a")
    assert int(new_cases.inner_text().rstrip("件").replace(",", "")) > 0
    screenshot(page, "stats-national", device)

    new_cases.click()
    expect(page.locator("h1")).to_contain_text("新規相談件数")
    expect(page.locator("[data-testid='hidden-count']")).to_contain_text("閲覧の根拠がない")

    page.goto("/stats/national/check/?fiscal_year=2025")
    expect(page.locator("h1")).to_contain_text("国への報告の点検")

    page.goto("/stats/dashboard/?fiscal_year=2025")
    expect(page.locator("[data-testid='chart-consultations'] svg.chart")).to_be_visible()
    for key in ("problem", "area", "age_area"):
        expect(page.locator(f"[data-testid='chart-{key}'] svg.chart")).to_be_visible()
    screenshot(page, "stats-dashboard", device)
    page.goto("/stats/dashboard/?fiscal_year=2025&chart=problem")
    screenshot(page, "stats-dashboard-problems", device)
    logout(page, device)

    login(page, "iin")
    page.goto("/stats/dashboard/?fiscal_year=2025")
    expect(page.locator(".notice")).to_contain_text("個人が特定されるおそれ")
    expect(page.locator("[data-testid='chart-age_area'] svg.chart")).to_be_visible()
    page.goto("/stats/dashboard/?fiscal_year=2025&chart=age_area")
    screenshot(page, "stats-dashboard-committee-area-age", device)
    assert page.goto("/stats/national/?fiscal_year=2025").status == 403
    assert blocked_requests == []
