"""N+1 guards (issue 13): the statistics page and API compute every metric in as many queries
with 25 of each counted thing as with one (``kasane.core.testing.assert_flat_queries``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kasane.accounts import services as account_services
from kasane.accounts.models import Organization, OrganizationKind, Role, User
from kasane.core.testing import assert_flat_queries
from kasane.core.wareki import fiscal_year
from kasane.meetings import services as meeting_services
from kasane.meetings.models import MeetingType
from kasane.meetings.tests.factories import make_body, make_case
from kasane.people.tests.factories import actor

pytestmark = pytest.mark.django_db


def test_the_stats_page_and_api_run_the_same_queries_for_1_and_25_counted_rows(city, client):
    """Per row: a held 支援会議 with a case on its agenda, an organization and a coordinator."""
    body = make_body(city)
    multilayer = make_body(city, MeetingType.MULTILAYER)
    coord = actor(city.coordinator)
    made = []
    coordinators = [1]

    def add(n):
        for _ in range(n):
            i = len(made)
            coordinators[0] += 1
            meeting = meeting_services.meeting_create(
                actor=coord, body=(body, multilayer)[i % 2], place="市役所",
                starts_at=timezone.now() - dt.timedelta(seconds=1 + i))
            s = make_case(city)
            meeting_services.agenda_add(actor=coord, meeting=meeting, case_id=s.case.pk,
                                        question="関わり方") if i % 2 == 0 else None
            org = account_services.organization_save(actor=city.admin, organization=Organization(
                name=f"包括{coordinators[0]}", kind=OrganizationKind.CONTRACTOR))
            user = account_services.user_save(actor=city.admin, user=User(username=f"suishin{coordinators[0]}"))
            account_services.role_request_decide(
                actor=city.coordinator, approve=True, role_request=account_services.membership_add(
                    actor=city.admin, user=user, organization=org, role=Role.COORDINATOR))
            made.append(meeting)

    year = fiscal_year(timezone.localdate())

    def check(response, n):
        values = {m["key"]: m["value"] for m in response.json()["items"]}
        assert values["staff.coordinators"] == coordinators[0]
        assert values["meetings.support_meeting.held"] == (len(made) + 1) // 2
        assert values["meetings.support_meeting.cases"] == (len(made) + 1) // 2

    client.force_login(city.secretariat)
    assert_flat_queries(add, lambda: client.get("/stats/", {"fiscal_year": year}),
                        label="GET /stats/",
                        check=lambda r, n: "相談支援包括化推進員 配置数" in r.content.decode())
    assert_flat_queries(add, lambda: client.get("/api/v1/stats/metrics", {"fiscal_year": year}),
                        label="GET /api/v1/stats/metrics", check=check)
