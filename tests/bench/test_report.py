"""The report benchmark at ``small`` (bench/city.py + bench/report.py): the generated city has
records of every kind in the reported 年度, and Kasane's national report equals the one
hand-written SQL query figure by figure."""

from __future__ import annotations

import pytest

from bench import city, report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the baseline is PostgreSQL SQL (jsonb @>)")


def test_the_generated_city_gives_the_same_figures_as_the_hand_written_sql(db):
    muni = city.load("small", seed=3, copy=False)
    fy = city.last_fiscal_year()
    ours = report.kasane(muni, fy)
    assert report.compare(muni, fy) == []
    # every family with records is non-zero at this scale (a benchmark of zeros proves nothing)
    for code in ("P0-1", "P0-2", "P1-1", "P1-2", "P1-3", "P1-4", "P2-1-new", "P2-1-continuing",
                 "P2-2-created", "P2-3-held", "P2-3-cases", "P2-4-held", "P2-5-closed",
                 "P3-1", "P3-2-reached", "P3-2-not-reached", "P3-3-reached",
                 "P4-1", "P4-2-matches", "P4-2-followups", "P4-3-hosts", "P4-3-new",
                 "P5-1-hubs", "P5-1-new", "P5-2-events", "P5-2-participants", "P5-3-found",
                 "P5-3-discussed", "P5-4"):
        assert ours[code] > 0, code


def test_the_same_seed_gives_the_same_city(db):
    first = city.load("small", seed=5, copy=False)
    a = report.kasane(first, city.last_fiscal_year())
    assert set(city.SCALES) == {"small", "city80k", "city400k"}
    assert len(city.version()) == 8
    assert a["P1-2"] == report.baseline(first, city.last_fiscal_year())["P1-2"]
