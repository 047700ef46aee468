"""Cases journey across three organizations: 推進員 opens a case for a person recorded by 福祉相談課
with consent → refers to 地域包括 and 障害相談 → 障害相談 proposes, 地域包括 accepts → plan with
主担当 → a failed visit → the proposal is withdrawn → 終結 with 見守り継続. What each org sees at
each step is asserted."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from kasane.accounts.models import Membership
from kasane.audit.context import request_context
from kasane.people import services as people_services

from .conftest import login, screenshot


def _person(data: dict[str, Any]) -> Any:
    suishin = Membership.objects.select_related("organization", "user").filter(
        user__username="suishin", is_active=True).order_by("pk").first()
    with request_context():
        person = people_services.person_create(actor=suishin, fields={
            "family_name": "川口", "given_name": "誠", "family_name_kana": "カワグチ",
            "given_name_kana": "マコト", "birth_date": dt.date(1974, 5, 5),
            "address": "重ね市栄町2丁目1番3号", "phone": "03-5555-0303"})
        people_services.consent_record(
            actor=suishin, person=person,
            organization_ids=[data["orgs"]["houkatsu_hokubu"].pk, data["orgs"]["shougai_soudan"].pk],
            purposes=["information_sharing"], obtained_on=dt.date.today(), method="written")
    return person


def _as(page: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)
    page.wait_for_selector("h1:has-text('わたしの仕事')")


def test_it_runs_a_case_across_three_organizations(demo_city: Any, new_page: Any, device: str,
                                                   blocked_requests: list[str]) -> None:
    person = _person(demo_city)
    page = new_page()
    _as(page, "suishin")
    page.goto(f"/cases/new/?person={person.pk}")
    page.fill("#id_summary", "50代男性。失職後に家賃滞納。母の介護も担っている。")
    page.select_option("#id_triage", "3")
    page.click("button:has-text('受付する')")
    page.wait_for_selector("[data-testid=case-status]:has-text('受付')")
    case_url = re.sub(r"^https?://[^/]+", "", page.url)
    for org in ("地域包括支援センター北部", "障害者相談支援事業所かさね"):
        page.click("a:has-text('つなぐ')")
        page.select_option("#id_to_org", label=org)
        page.select_option("#id_consent", index=1)
        page.fill("#id_reason", "状況の共有と支援の検討をお願いします。")
        page.click("button:has-text('依頼する')")
        page.wait_for_selector(f"[data-testid=referrals] >> text={org}")
    screenshot(page, "case-referred", device)

    _as(page, "shougai")  # 障害相談 cannot open the case before answering
    assert page.goto(case_url).status == 404
    page.goto("/")
    page.click("a:has-text('からのつなぎ')")
    assert "受理すると閲覧できます" in page.content()
    page.check("input[value=propose]")
    page.fill("#id_text", "まず生活困窮の窓口で家計を整えてから再度ご相談ください。")
    page.click("button:has-text('回答する')")
    page.wait_for_selector("[data-testid=referral-status]:has-text('提案')")
    assert page.goto(case_url).status == 404

    _as(page, "houkatsu1")
    assert page.goto(case_url).status == 404
    page.goto("/")
    page.click("a:has-text('からのつなぎ')")
    page.check("input[value=accept]")
    page.click("button:has-text('回答する')")
    page.wait_for_selector("[data-testid=case-status]")
    assert "地域包括支援センター北部" in page.locator("[data-testid=involvements]").inner_text()

    _as(page, "suishin")
    page.goto(case_url)
    page.click("a:has-text('プランを作成')")
    page.fill("#id_goals", "家計を立て直す\n母の介護負担を減らす")
    page.select_option("#id_task_org_0", label="地域包括支援センター北部")
    page.fill("#id_task_0", "母の介護サービス調整")
    page.fill("#id_review_on", (dt.date.today() + dt.timedelta(days=30)).isoformat())
    page.click("button:has-text('保存')")
    page.click("[data-testid=plan-1] button:has-text('承認')")
    page.wait_for_selector("[data-testid=plan-1] >> text=承認済み")
    page.click("a:has-text('支援記録')")
    page.select_option("#id_method", "visit")
    page.check("input[name=reached][value='0']")
    page.fill("#id_not_reached_reason", "不在")
    page.fill("#id_summary", "自宅を訪問したが不在。手紙を投函。")
    page.click("button:has-text('保存')")
    page.wait_for_selector("[data-testid=timeline] >> text=不在・会えず")
    page.click("a:has-text('終結')")
    page.select_option("#id_reason", "connected")
    page.fill("#id_evaluation", "家計が安定し、包括がつながった。")
    page.click("button:has-text('終結を記録')")
    assert "回答待ちのつなぎ" in page.content()  # the proposal is still open
    page.goto(case_url)
    page.click("[data-testid=referrals] a:has-text('障害者相談支援事業所かさね')")
    page.click("button:has-text('取り下げる')")
    page.click("a:has-text('終結')")
    page.select_option("#id_reason", "connected")
    page.fill("#id_evaluation", "家計が安定し、包括がつながった。")
    page.check("#id_watch")
    page.select_option("#id_watch_org", label="地域包括支援センター北部")
    page.fill("#id_watch_method", "月1回の電話")
    page.fill("#id_next_check_on", (dt.date.today() + dt.timedelta(days=30)).isoformat())
    page.click("button:has-text('終結を記録')")
    page.wait_for_selector("[data-testid=case-status]:has-text('見守り継続')")
    screenshot(page, "case-watching", device)

    _as(page, "houkatsu1")
    assert page.goto(case_url).status == 200
    _as(page, "csw")  # 社協 was never involved
    assert page.goto(case_url).status == 404
    assert blocked_requests == []
