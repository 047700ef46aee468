"""PDCA journey: the 令和7年度 cycle walks from 担当課自己評価 to 公表 with a 担当課 user
(tantou_kourei), 事務局 (jimukyoku) and a 委員 (iin); the report downloads as PDF and Excel."""

from __future__ import annotations

from typing import Any

from .conftest import login, logout, screenshot


def _advance(page: Any, label: str) -> None:
    page.click("[data-testid=advance]")
    page.wait_for_selector(f".message-success:has-text('「{label}」の段階に進めました。')")


def _other_units_finished(cycle: Any) -> None:
    """Every other business already has its 令和7年度 results (set up directly); the journey
    enters the last one, 民生委員・児童委員の活動支援 (高齢福祉課), through the screen."""
    from kasane.pdca.models import AnnualTarget

    AnnualTarget.objects.filter(business__plan__in=cycle.plans.all(), fiscal_year=2025,
                                achieved__isnull=True) \
        .exclude(business__plan__order=1, business__code="1-1-1-b").update(achieved=True)


def test_it_walks_the_yearly_cycle_from_self_evaluation_to_publication(
        demo_city: Any, new_page: Any, device: str, blocked_requests: list[str]) -> None:
    cycle = next(c for c in demo_city["pdca_cycles"] if c.fiscal_year == 2025)
    _other_units_finished(cycle)
    page = new_page()

    # 担当課 (高齢福祉課): sees the task on the home page, enters the result and Do/Act.
    login(page, "tantou_kourei")
    page.wait_for_selector("h2:has-text('PDCA 自己評価')")
    page.click("a:has-text('民生委員・児童委員の活動支援')")
    page.wait_for_selector("h1:has-text('民生委員・児童委員の活動支援')")
    page.select_option("select[name$='-achieved']", "1")
    page.fill("textarea[name='new-do_text']", "新任委員研修を2回実施した（参加24人）。")
    page.fill("textarea[name='new-act_text']", "欠員地区の候補者推薦を自治会と進める。")
    screenshot(page, "pdca-self-eval", device)
    page.click("button:has-text('保存する')")
    page.wait_for_selector(".message-success:has-text('保存しました。')")
    other_unit = cycle.plans.get(order=1).nodes.get(code="1-2-1-a")  # 共生推進課 and 生活支援課
    assert page.goto(f"/pdca/cycles/{cycle.pk}/businesses/{other_unit.pk}/").status == 403
    logout(page, device)

    # 事務局: checks completeness and opens the committee stage.
    login(page, "jimukyoku")
    page.goto(f"/pdca/cycles/{cycle.pk}/")
    _advance(page, "事務局確認")
    _advance(page, "委員会①（審議）")
    screenshot(page, "pdca-cycle-secretariat", device)
    logout(page, device)

    # 委員: reads the sheet and writes an opinion on a 施策.
    login(page, "iin")
    welfare = cycle.plans.get(order=1)
    page.goto(f"/pdca/cycles/{cycle.pk}/plans/{welfare.pk}/")
    page.locator("[data-testid='graded-1-1-1'] a:has-text('意見を書く')").click()
    page.fill("textarea[name=text]", "夜間講座の参加状況を次回報告してほしい。\n修了者の活動先を増やしてほしい。")
    page.click("button:has-text('登録する')")
    page.wait_for_selector(".message-success:has-text('意見を登録しました。')")
    screenshot(page, "pdca-sheet-committee", device)
    logout(page, device)

    # 事務局: overrides a grade with its reason, then moves on to 公表.
    login(page, "jimukyoku")
    page.goto(f"/pdca/cycles/{cycle.pk}/plans/{welfare.pk}/")
    page.locator("[data-testid='graded-2-2-1'] a:has-text('評価を変更')").click()
    page.select_option("select[name=grade]", "B")
    page.click("button:has-text('保存する')")
    page.wait_for_selector(".error:has-text('評価を変更するときは理由を入力してください。')")
    page.fill("textarea[name=reason]", "中核機関の準備が進んだことを委員会で評価した。")
    page.click("button:has-text('保存する')")
    page.wait_for_selector("[data-testid='graded-2-2-1'] .tag:has-text('変更あり')")
    page.goto(f"/pdca/cycles/{cycle.pk}/")
    for label in ("修正", "委員会②（確定）", "庁議①", "庁議②", "公表"):
        _advance(page, label)
    assert page.locator("text=第1版").count() >= 1
    for ext, kind in (("xlsx", "spreadsheetml"), ("pdf", "application/pdf")):
        response = page.request.get(f"/pdca/cycles/{cycle.pk}/report.{ext}", timeout=120_000)
        assert response.status == 200 and kind in response.headers["content-type"]
    page.goto(f"/pdca/public/{cycle.pk}/")
    page.wait_for_selector("h1:has-text('進捗管理 令和7年度報告書')")
    assert page.locator("text=夜間講座の参加状況を次回報告してほしい。").count() == 1
    screenshot(page, "pdca-public", device)
    assert blocked_requests == []
