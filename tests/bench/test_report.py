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
    assert set(city.SCALES) == {"small", "city80k", "city400k", "pref50"}
    assert len(city.version()) == 8
    assert a["P1-2"] == report.baseline(first, city.last_fiscal_year())["P1-2"]


TINY_PREF = city.Scale(population=30_000, years=2, cases_per_year=90, contacts_per_case=4,
                       municipalities=3)


def test_a_prefecture_of_tenants_gives_each_municipality_its_own_figures(db):
    """pref50 in miniature: each municipality's report equals the SQL over its own rows, and
    municipality A's report is unchanged by more records of B (tenant isolation)."""
    from kasane.accounts.models import Municipality, Organization, User
    from kasane.meetings.models import MeetingBody
    from kasane.stats.citygen import Volume, generate

    first = city.load(TINY_PREF, seed=7, copy=False)
    fy = city.last_fiscal_year()
    towns = city.towns(TINY_PREF)
    assert first.code == city.MUNI_CODE == towns[0].code
    munis = [Municipality.objects.get(code=t.code) for t in towns]
    assert [m.name.endswith("（生成済み）") for m in munis] == [True] * 3
    assert towns[0].population > towns[1].population > towns[2].population
    a, b = munis[0], munis[1]
    before = report.kasane(a, fy)
    b_before = report.kasane(b, fy)
    for muni in munis:
        assert report.compare(muni, fy) == [], muni.code
    assert before["P1-2"] > b_before["P1-2"] > 0  # A is the larger city

    # more of B's records in the reported 年度: B's figures move, A's do not
    generate(muni=b, orgs=list(Organization.objects.filter(municipality=b).order_by("pk")),
             user=User.objects.filter(municipality=b).order_by("pk").first(),
             bodies=list(MeetingBody.objects.filter(  # the two case-meeting bodies
                 municipality=b, type__in=("support_meeting", "multilayer_meeting")).order_by("pk")),
             volume=Volume(1, 200, 4), last_fy=fy, seed=99)
    assert report.kasane(b, fy)["P1-2"] > b_before["P1-2"]
    assert report.kasane(a, fy) == before
    assert report.compare(b, fy) == []


def test_pref50_is_fifty_municipalities_of_five_to_150k(db):
    towns = city.towns(city.SCALES["pref50"])
    assert len(towns) == len({t.code for t in towns}) == 50
    assert towns[0].code == city.MUNI_CODE
    assert max(t.population for t in towns) == 150_000
    assert min(t.population for t in towns) == 5_000
    assert 1_500_000 <= sum(t.population for t in towns) <= 2_000_000
    from kasane.accounts.validators import validate_local_government_code

    for t in towns[1:]:  # MUNI_CODE is the generator's fixed made-up code, as before
        validate_local_government_code(t.code)
