"""Home ("/") query budget per role (issue 21): the inbox sections together must not run more
statements than measured when the 名寄せ section became one statement and the counted
sections stopped counting a short list a second time. A section that starts running a query
per row, or a second query for what one answers, fails here."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from kasane.community import services as community
from kasane.community.tests.test_watch import _setup as watch_setup
from kasane.people.tests.factories import actor, make_person
from kasane.people.tests.test_matching_services import pair
from kasane.people.tests.test_matching_views import SAITO, SAITO_2

pytestmark = pytest.mark.django_db

# Statements of GET / with the data of ``_busy_city`` (session, user, memberships and the
# layout included); measured on this branch. Lower them when a section gets cheaper.
BUDGET = {"coordinator": 26, "recorder": 16, "outsider": 17, "partner": 16, "liaison": 6}


def _busy_city(city):
    pair(city)  # a decidable 名寄せ candidate for the coordinator
    make_person(city.coordinator, **SAITO)
    make_person(city.outsider, **SAITO_2)  # and one with a hidden side
    for _ in range(3):
        make_person(city.recorder)
    areas, _ = watch_setup(city)
    for i in range(3):
        community.watch_report_enter(actor=actor(city.partner), area=areas["N"],
                                     received_on=timezone.localdate(), summary=f"気になる{i}")


@pytest.mark.parametrize("role", sorted(BUDGET))
def test_the_home_page_stays_within_its_query_budget(city, client, role,
                                                     django_assert_max_num_queries) -> None:
    _busy_city(city)
    client.force_login(getattr(city, role))
    assert client.get("/").status_code == 200  # warm per-process caches
    with django_assert_max_num_queries(BUDGET[role]):
        page = client.get("/")
    assert page.status_code == 200
    if role == "coordinator":
        assert re.search(r'>名寄せ候補 <span class="count">1</span></h2>', page.text)
        assert "ほかに相手の記録を閲覧できない候補 1 件" in page.text


def test_the_watch_reports_section_counts_beyond_its_ten_rows(city, client) -> None:
    """Under ten rows the list is the whole number; at ten the rest is counted."""
    areas, _ = watch_setup(city)
    client.force_login(city.outsider)

    def enter(n):
        for i in range(n):
            community.watch_report_enter(actor=actor(city.partner), area=areas["N"],
                                         received_on=timezone.localdate(), summary=f"件{i}")

    enter(3)
    assert re.search(r'>見守りの気づき（未対応） <span class="count">3</span></h2>', client.get("/").text)
    enter(9)
    page = client.get("/").text
    assert re.search(r'>見守りの気づき（未対応） <span class="count">12</span></h2>', page)
    assert page.count("/community/watch/reports/") >= 10

