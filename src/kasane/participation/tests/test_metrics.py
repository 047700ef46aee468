"""Participation figures: proposals, starts, 定着 at 3 months, volunteers active."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kasane.core.metrics import MetricUnavailable, compute
from kasane.participation import services
from kasane.participation.metrics import retained
from kasane.participation.models import Match

from .factories import make_place, setup

pytestmark = pytest.mark.django_db


def test_retained_counts_a_positive_early_end_and_not_an_interruption() -> None:
    start = dt.date(2025, 4, 1)
    assert retained(start, None, "")
    assert retained(start, start + dt.timedelta(days=90), "declined")
    assert retained(start, start + dt.timedelta(days=30), "moved_on")
    assert not retained(start, start + dt.timedelta(days=30), "interrupted")


def _start(s: Any, place: Any, started: dt.date) -> Match:
    m = services.match_propose(actor=s.coord, case=s.case, person_id=s.person.pk,
                               place_id=place.pk, proposed_on=started)
    m = services.match_answer(actor=s.coord, match=m, answer="accepted", answer_on=started)
    return services.match_start(actor=s.coord, match=m, started_on=started)


def test_it_counts_proposals_starts_retention_and_active_volunteers(city: Any) -> None:
    s = setup(city)
    muni, fy = city.municipality, 2025  # 2025-04-01 … 2026-03-31
    with pytest.raises(MetricUnavailable):
        compute("participation.retained_90d", municipality=muni, fiscal_year=fy)
    early = dt.date(2025, 5, 1)  # day 90 = 2025-07-30, inside the 年度
    kept = _start(s, s.place, early)
    dropped = _start(s, make_place(city, "二つ目"), early)
    services.match_end(actor=s.coord, match=dropped, ended_on=early + dt.timedelta(days=20),
                       reason="declined")
    services.match_propose(actor=s.coord, case=s.case, person_id=s.person.pk,
                           place_id=make_place(city, "三つ目").pk, proposed_on=dt.date(2025, 3, 31))
    assert kept.stage == "started"
    assert compute("participation.proposals", municipality=muni, fiscal_year=fy) == 2
    assert compute("participation.starts", municipality=muni, fiscal_year=fy) == 2
    assert compute("participation.retained_90d", municipality=muni, fiscal_year=fy) == 50
    v = services.volunteer_save(actor=s.outsider, data={"name": "佐藤花子"})
    services.volunteer_save(actor=s.outsider, data={"name": "活動なし"})
    services.hours_log(actor=s.outsider, volunteer=v, on=dt.date(2025, 6, 1), hours="1.5")
    assert compute("participation.volunteers_active", municipality=muni, fiscal_year=fy) == 1
    assert compute("participation.volunteers_active", municipality=muni, fiscal_year=2024) == 0
