"""Meetings journey: the 推進員 brings a case without consent to a 支援会議 (the 重層的支援会議
refuses it at the field), pledges; 地域包括 sees the agenda title only until it pledges, then
the case, prints the watermarked meeting pack (page 1 rendered to PNG), and loses access after
the review window; the held 重層的支援会議 approves plan 第3版 and the case page shows it with a
link back. One test per device (the demo city loads once per test)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.utils import timezone

from .conftest import SCREENSHOTS, login, screenshot


def _as(page: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)
    page.wait_for_selector("h1:has-text('わたしの仕事')")


def _pack_png(page: Any, meeting_id: int, device: str) -> Path | None:
    resp = page.request.get(f"/meetings/{meeting_id}/pack.pdf")
    assert resp.ok and resp.headers["content-type"] == "application/pdf"
    body = resp.body()
    assert body.startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "pack.pdf"
        pdf.write_bytes(body)
        out = SCREENSHOTS / f"meeting-pack-{device}"
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(out)], check=True, timeout=60)
    return out.with_suffix(".png")


def test_meetings_journey(demo_city: Any, new_page: Any, device: str) -> None:
    from kasane.access.models import Grant
    from kasane.cases.models import Case
    from kasane.meetings.demo import MULTILAYER, NO_CONSENT_SUMMARY, SUPPORT
    from kasane.meetings.models import Meeting, PrintRecord

    now = timezone.now()
    # the demo's own meetings: the next ones and the latest held (the generated 令和7年度 adds
    # older meetings to the same bodies)
    support = Meeting.objects.filter(body__name=SUPPORT, starts_at__gt=now).earliest("starts_at")
    multi_next = Meeting.objects.filter(body__name=MULTILAYER, starts_at__gt=now).earliest("starts_at")
    multi_held = Meeting.objects.filter(body__name=MULTILAYER, starts_at__lt=now).latest("starts_at")
    case = Case.objects.get(summary=NO_CONSENT_SUMMARY)
    page = new_page()

    # 推進員: a 重層的支援会議 refuses a case without consent, at the field
    _as(page, "suishin")
    page.goto("/meetings/")
    page.wait_for_selector("[data-testid=upcoming]")
    screenshot(page, "meetings-index", device)
    month = timezone.localtime(support.starts_at).strftime("%Y-%m")
    page.goto(f"/meetings/bodies/{support.body_id}/?month={month}")
    page.wait_for_selector(f"[data-testid=calendar] a[href='/meetings/{support.pk}/']")
    screenshot(page, "meetings-calendar", device)
    page.goto(f"/meetings/{multi_next.pk}/agenda/")
    page.fill("[name=case_id]", str(case.pk))
    page.fill("[name=question]", "関わり方を相談したい")
    page.click("main .narrow-form button[type=submit]")
    page.wait_for_selector(".field-invalid .error:has-text('本人同意がありません')")
    assert multi_next.items.count() == 0
    # … a 支援会議 takes it (法106条の6), and the 推進員 pledges
    page.goto(f"/meetings/{support.pk}/agenda/")
    page.fill("[name=case_id]", str(case.pk))
    page.fill("[name=title]", "中町の一人暮らし高齢男性")
    page.fill("[name=question]", "本人は支援を拒否。誰がどう関わり始めるか。")
    page.click("main .narrow-form button[type=submit]")
    page.wait_for_selector("h3:has-text('中町の一人暮らし高齢男性')")
    page.check("input[name=agree]")
    page.click("[data-testid=pledge-button]")
    page.wait_for_selector("[data-testid=item-open]")

    # 地域包括北部: the agenda title only, the item refused until the pledge
    _as(page, "houkatsu1")
    page.goto(f"/meetings/{support.pk}/")
    page.wait_for_selector("[data-testid=pledge-card]")
    assert "中町の一人暮らし高齢男性" in page.content()
    assert "石井" not in page.content() and "拒否" not in page.inner_text("main")
    screenshot(page, "meeting-before-pledge", device)
    item = support.items.get(case=case)
    assert page.goto(f"/meetings/items/{item.pk}/").status == 403
    assert page.goto(f"/cases/{case.pk}/").status == 404
    page.goto(f"/meetings/{support.pk}/")
    page.check("input[name=agree]")
    page.click("[data-testid=pledge-button]")
    page.wait_for_selector("[data-testid=item-open]")
    assert "石井" in page.inner_text("main")
    screenshot(page, "meeting-support", device)
    assert page.goto(f"/meetings/items/{item.pk}/").status == 200
    assert page.goto(f"/cases/{case.pk}/").status == 200
    png = _pack_png(page, support.pk, device)
    assert PrintRecord.objects.filter(meeting=support, user__username="houkatsu1").exists()
    if png is not None:
        assert png.exists() and png.stat().st_size > 10_000

    # … after the review window (time passes: the window and its grants end)
    past = now - dt.timedelta(days=40)
    Meeting.objects.filter(pk=support.pk).update(starts_at=past, ends_at=past,
                                                 window_ends_at=now - dt.timedelta(minutes=1))
    Grant.objects.filter(source_type="meeting", source_id=str(support.pk)).update(
        valid_from=past, valid_until=now - dt.timedelta(minutes=1))
    assert page.goto(f"/meetings/items/{item.pk}/").status == 403
    assert page.goto(f"/cases/{case.pk}/").status == 404
    assert page.request.get(f"/meetings/{support.pk}/pack.pdf").status == 403

    # 推進員: the held 重層的支援会議 approves plan 第3版; the case page shows it, linked back
    _as(page, "suishin")
    page.goto(f"/meetings/{multi_held.pk}/")
    son_item = multi_held.items.get()
    plan = son_item.case.plans.get(status="draft")
    page.click(f"#item-{son_item.pk} summary")
    page.select_option(f"[name=d{son_item.pk}-kind]", "plan_approved")
    page.select_option(f"[name=d{son_item.pk}-plan_id]", str(plan.pk))
    page.click(f"#item-{son_item.pk} .meeting-decision-form button[type=submit]")
    page.wait_for_selector(".message-success:has-text('ケースに反映')")
    screenshot(page, "meeting-multilayer", device)
    page.goto(f"/cases/{son_item.case_id}/")
    page.wait_for_selector(f"[data-testid=plan-{plan.version}]:has-text('承認済み')")
    timeline = page.inner_text("[data-testid=timeline]")
    assert f"支援プラン 第{plan.version}版を承認（{MULTILAYER}" in timeline
    assert page.locator(f"[data-testid=timeline] a[href='/meetings/{multi_held.pk}/#item-{son_item.pk}']").count() >= 1
    screenshot(page, "meeting-case-plan", device)
