"""参加支援 journey (desktop + smartphone): the 社協 CSW records the person's wishes on a case,
picks the best suggested place (its reasons shown), records the place's answer received by
phone, the start, a 定着支援 follow-up (one dated before the start is refused at the field),
and the case's timeline shows every step. The place is made here (its own 圏域, so that it
ranks first among the demo directory's places)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from .conftest import login, screenshot

PLACE = "E2Eカフェ かさね"


def _setup() -> int:
    from kasane.areas.models import Area, AreaKind
    from kasane.cases.models import Case
    from kasane.resources.models import Place, PlaceSchedule, PlaceStatus, Provider

    case = Case.objects.get(summary__startswith="近隣住民から")
    muni = case.municipality_id
    area = Area.objects.create(municipality_id=muni, kind=AreaKind.DAILY_LIFE_AREA,
                               code="E2E", name="テスト圏域")
    provider = Provider.objects.create(municipality_id=muni, name="テストの運営団体")
    place = Place.objects.create(municipality_id=muni, provider=provider, name=PLACE,
                                 kind="work_trial", capacity=3, offers_work_trial=True,
                                 status=PlaceStatus.PUBLISHED)
    Place.objects.filter(pk=place.pk).update(area=area)
    PlaceSchedule.objects.create(place=place, weekday="TU", opens_at=dt.time(13),
                                 closes_at=dt.time(16))
    return int(case.pk)


def _wareki(days_ago: int) -> str:
    from kasane.core.wareki import format_wareki

    return format_wareki(timezone.localdate() - dt.timedelta(days=days_ago))


def test_the_csw_matches_a_person_to_a_place_and_follows_up(new_page: Any, device: str,
                                                             demo_city: Any) -> None:
    case_id = _setup()
    page = new_page()
    login(page, "csw")
    page.wait_for_selector("h1:has-text('わたしの仕事')")
    page.goto(f"/cases/{case_id}/")
    panel = page.locator("[data-testid=case-participation]")
    assert "参加の希望はまだ記録されていません。" in panel.inner_text()
    panel.locator("a:has-text('希望を記録')").click()

    # 1. wishes and conditions
    page.wait_for_selector("h1:has-text('参加の希望')")
    page.fill("[name=wants]", "人と話しながら、カフェの仕事を少しずつしてみたい")
    page.check("input[name=roles][value=work_trial]")
    page.check("input[name=days][value=tue]")
    page.check("input[name=time_bands][value=pm]")
    page.select_option("[name=area]", label="テスト圏域")
    page.click("button:has-text('保存して候補を見る')")

    # 2. suggestions ranked with reasons; the CSW picks the first
    page.wait_for_selector("[data-testid=suggestions]")
    first = page.locator("[data-testid=suggestion]").first
    text = first.inner_text()
    assert PLACE in text
    for reason in ("希望する参加の形（就労体験）ができる", "同じ圏域（テスト圏域）",
                   "曜日が合う（火）", "時間帯が合う（午後）", "空きあり（3人）"):
        assert reason in text
    screenshot(page, "participation-suggestions", device)
    first.locator("[data-testid=propose]").click()

    # 3. the place's answer received by phone
    page.wait_for_selector("[data-testid=match-stage]:has-text('受入打診中')")
    match_url = re.sub(r"^https?://[^/]+", "", page.url)
    page.check("input[name=answer][value=accepted]")
    page.fill("[name=answer_on]", _wareki(0))
    page.select_option("[name=via]", "phone")
    page.click("[data-testid=answer-submit]")
    page.wait_for_selector("[data-testid=match-stage]:has-text('受入可')")
    assert "受入可" in page.inner_text("[data-testid=match-answer]")

    # 4. the start; a follow-up dated before it is refused at the field
    page.fill("[name=start-on]", _wareki(0))
    page.click("[data-testid=start-submit]")
    page.wait_for_selector("[data-testid=match-stage]:has-text('参加中')")
    page.fill("[name=fu-on]", _wareki(1))
    page.select_option("[name=fu-condition]", "stable")
    page.click("[data-testid=follow-up-submit]")
    error = page.locator(".field-invalid .error").first
    assert "より前の日付は記録できません" in error.inner_text()
    page.fill("[name=fu-on]", _wareki(0))
    page.select_option("[name=fu-condition]", "stable")
    page.fill("[name=fu-note]", "初日。店長と一緒に仕事の流れを確認した。")
    page.click("[data-testid=follow-up-submit]")
    page.wait_for_selector("[data-testid=follow-ups]:has-text('継続')")
    assert page.url.endswith(match_url)
    screenshot(page, "participation-match", device)

    # 5. the case: the panel and the timeline show every step
    page.goto(f"/cases/{case_id}/")
    assert "参加中" in page.inner_text("[data-testid=participation-matches]")
    timeline = page.inner_text("[data-testid=timeline]")
    for entry in (f"受入打診：{PLACE}", f"受入先の回答：{PLACE} 受入可（電話）",
                  f"参加開始：{PLACE}", f"定着支援：{PLACE}", "参加の希望を記録"):
        assert entry in timeline
    screenshot(page, "participation-case", device)
