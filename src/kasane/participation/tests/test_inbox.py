"""Home inbox: proposals waiting for the place's answer, 定着支援 due — no person names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kasane.participation import inbox, services
from kasane.people.tests.factories import make_consent

from .factories import make_place, setup

pytestmark = pytest.mark.django_db


def test_it_lists_proposals_to_answer_and_follow_ups_due(city: Any) -> None:
    s = setup(city)
    host = make_place(city, "包括の居場所", org=city.orgs["houkatsu"])
    make_consent(city.coordinator, s.person, [city.orgs["houkatsu"]], purposes=["participation"])
    services.match_propose(actor=s.coord, case=s.case, person_id=s.person.pk, place_id=host.pk)
    section = inbox.proposals(city.partner, s.partner)
    assert section is not None and section.title == "受入打診への回答"
    assert section.items[0]["label"].startswith("包括の居場所への受入打診")
    assert s.person.family_name not in section.items[0]["label"]
    assert inbox.proposals(city.coordinator, s.coord) is None
    start = timezone.localdate() - dt.timedelta(days=10)
    m = services.match_propose(actor=s.coord, case=s.case, person_id=s.person.pk,
                               place_id=s.place.pk, proposed_on=start)
    m = services.match_answer(actor=s.coord, match=m, answer="accepted", answer_on=start)
    services.match_start(actor=s.coord, match=m, started_on=start)
    due = inbox.follow_ups(city.coordinator, s.coord)
    assert due is not None and len(due.items) == 1  # the 1-week one (overdue); 1 month is later
    assert due.items[0]["note"] == "期限を過ぎています"
    assert inbox.follow_ups(city.outsider, s.outsider) is None
