"""N+1 guards (issue 13): the 地域づくり lists, the committee panel and the API list run as many
queries with 25 rows as with one (``kasane.core.testing.assert_flat_queries``)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kasane.core.testing import assert_flat_queries
from kasane.people.tests.factories import actor

from .. import services
from .factories import make_areas, make_committee

pytestmark = pytest.mark.django_db


def test_issue_list_api_and_the_committee_panel_are_flat(city, client):
    areas = make_areas(city)
    _, meeting = make_committee(city, areas["N"])
    staff = actor(city.outsider)

    def add(n):
        for i in range(n):
            issue = services.area_issue_create(actor=staff, area=areas["N"], title=f"課題{i}",
                                               themes=["watch"])
            services.issue_action_add(actor=staff, issue=issue, on=timezone.localdate(),
                                      content="取組", start=True)

    client.force_login(city.outsider)
    assert_flat_queries(add, lambda: client.get("/community/issues/"), label="GET /community/issues/")
    assert_flat_queries(add, lambda: client.get("/api/v1/area-issues?area=N"),
                        label="GET /api/v1/area-issues")
    assert_flat_queries(add, lambda: client.get(f"/meetings/{meeting.pk}/"),
                        label="GET /meetings/<committee meeting>/")


def test_activity_and_watch_lists_are_flat(city, client):
    areas = make_areas(city)
    staff = actor(city.outsider)

    def add(n):
        for i in range(n):
            services.activity_record(actor=staff, kind="community_work", area=areas["S"],
                                     held_on=timezone.localdate(), participants=i,
                                     tags=["community", "outreach"])
            w = services.watcher_register(actor=staff, area=areas["S"], kind="volunteer",
                                          name=f"協力員{i}")
            services.watch_report_enter(actor=staff, area=areas["S"], watcher=w, summary="気づき",
                                        received_on=timezone.localdate())

    client.force_login(city.outsider)
    assert_flat_queries(add, lambda: client.get("/community/activities/"),
                        label="GET /community/activities/")
    assert_flat_queries(add, lambda: client.get("/community/watch/"), label="GET /community/watch/")
    assert_flat_queries(add, lambda: client.get("/community/map/"), label="GET /community/map/")
    assert_flat_queries(add, lambda: client.get("/community/"), label="GET /community/")
