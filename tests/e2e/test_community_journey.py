"""地域づくり journey (desktop + smartphone): a 民生委員's 気づき, entered by 地域包括 on the short
form, reaches the 北部 CSW (notification → the report); the CSW raises a 地域課題 on the sheet,
finds it on the 北部 committee's next meeting and moves it to 取組中 with an action; records an
出張相談会 with its counts; the map renders offline (screenshot; no request left the live
server). One test per device (the demo city loads once per test)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .conftest import login, screenshot


def _as(page: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)
    page.wait_for_selector("h1:has-text('わたしの仕事')")


def _select_text(page: Any, name: str, text: str) -> None:
    select = page.locator(f"select[name='{name}']")
    select.select_option(select.locator("option", has_text=text).first.get_attribute("value"))


def _choose(page: Any, name: str, code: str) -> None:
    select = page.locator(f"select[name='{name}']")
    if select.count():
        select.select_option(code)
    else:
        page.check(f"input[name='{name}'][value='{code}']")


def test_community_journey(demo_city: Any, new_page: Any, device: str,
                           blocked_requests: list[str]) -> None:
    from kasane.community.models import Activity, AreaIssue, WatchReport
    from kasane.community.selectors import next_meeting
    from kasane.meetings.models import MeetingBody, MeetingType

    north = MeetingBody.objects.get(type=MeetingType.AREA_COMMITTEE, area__code="01")
    meeting = next_meeting(north)
    assert meeting is not None
    today = timezone.localdate().isoformat()
    page = new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 地域包括 takes a 民生委員's call and enters it on the short form
    _as(page, "houkatsu1")
    page.goto("/community/watch/report/")
    _select_text(page, "area", "北部")
    _select_text(page, "watcher", "北部地区 民生委員A")
    page.fill("[name=summary]", "角の家の雨戸が3日閉まったまま")
    page.fill("[name=place_hint]", "北町の公園の近く")
    page.click("[data-testid=report-save]")
    page.wait_for_selector("text=につなぎました")
    report = WatchReport.objects.get(summary="角の家の雨戸が3日閉まったまま")
    assert report.routed_to.user.username == "csw"

    # … and it reaches the area's CSW: the notification opens the report
    _as(page, "csw")
    page.goto("/notifications/")
    page.locator("[data-testid=notifications] button", has_text="見守りの気づきが届きました").first.click()
    page.wait_for_selector("[data-testid=report-summary]:has-text('雨戸が3日閉まったまま')")
    screenshot(page, "community-report", device)

    # the CSW raises a 地域課題 on the sheet; it lands on the committee's next meeting
    page.goto("/sheets/new/area_issue/")
    page.wait_for_selector("form.sheet-form")
    page.fill("[name='area']", "北部")
    _choose(page, "raised_by", "csw")
    _choose(page, "themes", "mobility")
    page.fill("[name='title']", "バス路線の廃止で通院できない世帯がある")
    page.fill("[name='description']", "北町の停留所がなくなり、坂の上から病院へ行けない声が出ている。")
    _choose(page, "status", "received")
    with page.expect_navigation():
        page.click("[data-testid=submit]")
    assert not page.locator("[data-testid=form-errors]").count()
    issue = AreaIssue.objects.get(title="バス路線の廃止で通院できない世帯がある")
    assert issue.committee == north and issue.sheet_record_id is not None
    page.goto(f"/meetings/{meeting.pk}/")
    page.wait_for_selector(f"[data-testid=meeting-issue-{issue.pk}]")
    screenshot(page, "community-committee-meeting", device)
    page.click(f"[data-testid=meeting-issue-{issue.pk}] a")
    page.wait_for_selector("[data-testid=issue-status]:has-text('受付')")
    if not page.locator("details:has([data-testid=action-save])[open]").count():
        page.click("summary:has-text('取組を記録')")
    page.fill("[name=on]", today)
    page.fill("[name=content]", "乗合タクシーの試行を交通政策課と協議")
    page.fill("[name=owner]", "社協・交通政策課")
    page.click("[data-testid=action-save]")
    page.wait_for_selector("[data-testid=issue-status]:has-text('取組中')")
    page.wait_for_selector("[data-testid=issue-actions]:has-text('乗合タクシー')")

    # an 出張相談会 with its counts
    page.goto("/community/activities/new/?kind=consultation_event")
    _select_text(page, "area", "北部")
    page.fill("[name=title]", "出張相談会（団地集会所）")
    page.fill("[name=place]", "北町団地 集会所")
    page.fill("[name=participants]", "35")
    page.fill("[name=consultations]", "5")
    page.fill("[name=connected]", "2")
    page.check("input[name=tags][value=comprehensive]")
    page.check("input[name=tags][value=community]")
    page.click("[data-testid=activity-save]")
    page.wait_for_selector("[data-testid=activities]:has-text('出張相談会（団地集会所）')")
    event = Activity.objects.get(title="出張相談会（団地集会所）")
    assert (event.kind, event.participants, event.consultations, event.connected) == (
        "consultation_event", 35, 5, 2)
    assert event.tags == ["comprehensive", "community"] and event.area.code == "01"

    # the map draws the 圏域 and places on a blank background, offline
    page.goto("/community/map/")
    page.wait_for_selector("#community-map[data-ready='1']", state="attached")
    assert not errors, errors
    assert page.locator("#community-map path.leaflet-interactive").count() >= 3
    assert not page.locator("#community-map .leaflet-tile").count()
    screenshot(page, "community-map", device)
    assert blocked_requests == []
