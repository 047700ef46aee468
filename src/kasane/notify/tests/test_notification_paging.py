"""The notification list pages (50 a page, 「前へ」「次へ」), keeping the unread filter."""

from __future__ import annotations

import pytest

from kasane.notify.models import Notification
from kasane.notify.services.notifications import notify
from kasane.people.tests.factories import actor

pytestmark = pytest.mark.django_db


def _add(city, n: int) -> None:
    partner = actor(city.partner)
    for i in range(n):
        notify(memberships=[partner], kind="referral_received", title=f"件名{i:03d}", url="/")


def test_the_list_pages_through_every_notification(city, client) -> None:
    _add(city, 55)
    client.force_login(city.partner)
    first = client.get("/notifications/").content.decode()
    assert first.count('class="notification ') + first.count('class="notification"') == 50
    assert "次へ" in first and "前へ" not in first and "1 / 2" in first
    assert "件名054" in first and "件名004" not in first  # newest first
    second = client.get("/notifications/?page=2").content.decode()
    assert "件名004" in second and "件名000" in second and "件名054" not in second
    assert "前へ" in second and "次へ" not in second and "2 / 2" in second
    assert "未読 55件" in second
    # out of range and garbage fall back to a real page
    assert "件名000" in client.get("/notifications/?page=99").content.decode()
    assert "件名054" in client.get("/notifications/?page=x").content.decode()


def test_the_unread_filter_stays_across_pages(city, client) -> None:
    _add(city, 53)
    Notification.objects.filter(title="件名052").update(read_at=Notification.objects.first().created_at)
    client.force_login(city.partner)
    first = client.get("/notifications/?unread=1").content.decode()
    assert "?unread=1&page=2" in first
    second = client.get("/notifications/?unread=1&page=2").content.decode()
    assert "件名000" in second and "2 / 2" in second


def test_a_short_list_has_no_pager(city, client) -> None:
    _add(city, 3)
    client.force_login(city.partner)
    page = client.get("/notifications/").content.decode()
    assert "次へ" not in page and "前へ" not in page
