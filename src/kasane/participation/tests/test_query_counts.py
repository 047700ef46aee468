"""N+1 guards (issue 13): the case page with its 参加支援 panel, the suggestions, my work
(follow-ups due), the 人材バンク list and the participation APIs run as many queries with 25
rows as with one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kasane.core.testing import assert_flat_queries
from kasane.participation import services

from .factories import make_place, setup

pytestmark = pytest.mark.django_db


def test_case_page_panel_suggestions_and_apis(city: Any, client: Any) -> None:
    s = setup(city)
    start = timezone.localdate() - dt.timedelta(days=5)

    def add(n: int) -> None:
        for _ in range(n):
            place = make_place(city, capacity=3, weekdays=("MO", "WE"))
            m = services.match_propose(actor=s.coord, case=s.case, person_id=s.person.pk,
                                       place_id=place.pk, proposed_on=start)
            m = services.match_answer(actor=s.coord, match=m, answer="accepted", answer_on=start)
            services.match_start(actor=s.coord, match=m, started_on=start)

    client.force_login(city.coordinator)
    case = s.case.pk
    assert_flat_queries(add, lambda: client.get(f"/cases/{case}/"), label="GET /cases/<id>/ (参加支援)",
                        check=lambda r, n: r.content.decode().count("参加中") >= n)
    assert_flat_queries(lambda n: [make_place(city) for _ in range(n)],
                        lambda: client.get(f"/participation/cases/{case}/suggest/"),
                        label="GET suggestions")
    assert_flat_queries(add, lambda: client.get("/participation/"), label="GET /participation/")
    assert_flat_queries(add, lambda: client.get(f"/api/v1/cases/{case}/participation"),
                        label="GET /api/v1/cases/<id>/participation")


def test_volunteer_list_and_api(city: Any, client: Any) -> None:
    s = setup(city)

    def add(n: int) -> None:
        for i in range(n):
            v = services.volunteer_save(actor=s.outsider, data={"name": f"登録者{i}",
                                                                "area": s.area.pk})
            services.hours_log(actor=s.outsider, volunteer=v, on=timezone.localdate(), hours="1")

    client.force_login(city.outsider)
    assert_flat_queries(add, lambda: client.get("/participation/bank/"),
                        label="GET /participation/bank/")
    assert_flat_queries(add, lambda: client.get("/api/v1/participation/volunteers"),
                        label="GET /api/v1/participation/volunteers",
                        check=lambda r, n: r.json()["count"] >= n)
