"""N+1 guards (issue 13): every list and detail page and API list of meetings runs as many
queries with 25 rows as with one (``kasane.core.testing.assert_flat_queries``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kasane.cases.tests.factories import make_plan
from kasane.core.testing import assert_flat_queries
from kasane.people.tests.factories import actor

from .. import services
from .factories import make_body, make_case, make_meeting

pytestmark = pytest.mark.django_db


def test_the_index_and_the_meetings_api_run_the_same_queries_for_1_and_25_meetings(city, client):
    """Per row: an upcoming meeting (with a pledge to sign) and a past one."""
    body = make_body(city)
    made = []

    def add(n):
        for _ in range(n):
            i = len(made)
            made.append(make_meeting(city, body, days=1 + i))
            make_meeting(city, body, days=-1 - i)

    client.force_login(city.partner)
    assert_flat_queries(add, lambda: client.get("/meetings/"), label="GET /meetings/",
                        check=lambda r, n: all(f"/meetings/{m.pk}/" in r.content.decode()
                                               for m in made))
    assert_flat_queries(add, lambda: client.get("/api/v1/meetings"), label="GET /api/v1/meetings",
                        check=lambda r, n: len(r.json()["items"]) == 2 * len(made))
    assert_flat_queries(add, lambda: client.get("/"), label="GET / (partner: meetings)",
                        check=lambda r, n: "近日の会議" in r.content.decode())


def test_the_body_page_runs_the_same_queries_for_1_and_25_meetings_of_its_month(city, client):
    body = make_body(city)
    first = (timezone.localdate().replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    coord = actor(city.coordinator)
    made = []

    def add(n):
        for _ in range(n):
            day = first + dt.timedelta(days=len(made))
            made.append(services.meeting_create(
                actor=coord, body=body, place="市役所",
                starts_at=timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10))))
            services.attendee_add(actor=coord, meeting=made[-1], user_id=city.partner.pk)

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get(f"/meetings/bodies/{body.pk}/",
                                                {"month": first.strftime("%Y-%m")}),
                        label="GET /meetings/bodies/{id}/",
                        check=lambda r, n: all(f"/meetings/{m.pk}/" in r.content.decode()
                                               for m in made))


def test_the_meeting_page_runs_the_same_queries_for_1_and_25_agenda_items(city, client):
    """A held meeting seen by the pledged coordinator: every item open, with its case, persons,
    draft plans, decision and minutes forms; and by a pledged partner who does not see some."""
    meeting = make_meeting(city, make_body(city), days=-0.5)
    coord = actor(city.coordinator)
    services.pledge_sign(actor=coord, meeting=meeting)
    services.pledge_sign(actor=actor(city.partner), meeting=meeting)
    items = []

    def add(n):
        for _ in range(n):
            s = make_case(city)
            make_plan(s, city)
            items.append(services.agenda_add(actor=coord, meeting=meeting, case_id=s.case.pk,
                                              question=f"関わり方{len(items)}", title="事例"))

    def check(response, n):
        body = response.content.decode()
        assert all(f"関わり方{i}" in body for i in range(n))

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get(f"/meetings/{meeting.pk}/"),
                        label="GET /meetings/{id}/", check=check)
    client.force_login(city.partner)
    assert_flat_queries(add, lambda: client.get(f"/meetings/{meeting.pk}/"),
                        label="GET /meetings/{id}/ (partner)")


def test_the_item_page_runs_the_same_queries_for_1_and_25_persons(city, client):
    """An agenda item shows its case's persons: each size is a new item for a case of every
    person made so far."""
    from kasane.cases import services as case_services
    from kasane.people.tests.factories import make_person

    meeting = make_meeting(city, make_body(city), days=-0.5)
    coord = actor(city.coordinator)
    services.pledge_sign(actor=coord, meeting=meeting)
    persons, items = [], []

    def add(n):
        for _ in range(n):
            persons.append(make_person(city.coordinator, given_name=f"五郎{len(persons)}"))
        case = case_services.case_open(actor=coord, person_ids=[p.pk for p in persons],
                                       summary="世帯の相談")
        items.append(services.agenda_add(actor=coord, meeting=meeting, case_id=case.pk,
                                         question="関わり方"))

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get(f"/meetings/items/{items[-1].pk}/"),
                        label="GET /meetings/items/{id}/ (persons)",
                        check=lambda r, n: all(p.full_name in r.content.decode() for p in persons))


def test_sheets_reached_through_agenda_cases_list_flat(city, client):
    """Per row: an agenda case of a 支援会議 the partner pledged for, with a 9マス linked to it:
    the sheet list's read bases come from one query per case-reach kind (``sheets.reach``)."""
    from kasane.sheets import services as sheet_services

    meeting = make_meeting(city, make_body(city), attendees=("partner",))
    made = []

    def add(n):
        for _ in range(n):
            s = make_case(city)
            services.agenda_add(actor=s.coord, meeting=meeting, case_id=s.case.pk, question="分担")
            made.append(sheet_services.record_create(
                actor=s.coord, code="nine_grid", submit=True, person_id=s.person.pk,
                case_id=s.case.pk, answers={"center": "課題", "cell_1": "近所の店"}))

    services.pledge_sign(actor=actor(city.partner), meeting=meeting)  # items added later join
    client.force_login(city.partner)
    assert_flat_queries(add, lambda: client.get("/api/v1/sheet-records"),
                        label="GET /api/v1/sheet-records (agenda cases)",
                        check=lambda r, n: r.json()["count"] == len(made))
