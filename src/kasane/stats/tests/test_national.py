"""The national report (spec/reporting.md B.2): every figure on hand-made records
(``world.py``: the expected numbers are written by hand there), the API contract, roles,
future and empty years, figures with no records source."""

from __future__ import annotations

import pytest

from kasane.core import metrics
from kasane.core.metrics import Period
from kasane.stats import national

from . import world, world_p45

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(city):
    world.build(city)
    return {f["code"]: f for f in national.national_report(city.municipality, world.FY)}


def test_every_national_figure_matches_the_hand_count(report):
    got = {code: report[code]["value"] for code in world.EXPECTED}
    assert got == world.EXPECTED
    assert all(report[code]["available"] for code in world.EXPECTED)


def test_every_printed_cell_is_hand_checked_or_typed(report):
    unchecked = set(report) - set(world.EXPECTED)
    assert unchecked == {"P0-3-budget", "P0-3-settled"}  # typed cells (B.1), none typed yet
    for code in unchecked:
        assert report[code]["manual"] and report[code]["value"] == 0
        assert not report[code]["available"]
        assert "手入力の値がまだありません" in report[code]["reason"]
    assert not national.missing_metrics()


def test_participation_users_can_require_an_approved_plan(city, settings):
    world.build(city)
    settings.KASANE_PARTICIPATION_REQUIRES_PLAN = True
    figures = {f["code"]: f["value"] for f in national.national_report(city.municipality, world.FY)}
    assert figures["P4-1"] == world_p45.REQUIRES_PLAN_P4_1
    assert figures["P4-2-matches"] == world.EXPECTED["P4-2-matches"]  # a count of matches


def test_a_month_of_the_p4_p5_figures(city):
    """The same metrics answer for a month (dashboards): June 2024 by hand."""
    world.build(city)
    june = Period.month(2024, 6)
    got = {key: metrics.evaluate_period(key, municipality=city.municipality, period=june).value
           for key in ("participation.matches_started", "participation.followups",
                       "participation.hosts_active", "community.issues_discussed",
                       "community.activities", "community.hubs_active")}
    assert got == {"participation.matches_started": 1,  # M1 (2024-06-01)
                   "participation.followups": 1,        # F1 (2024-06-08)
                   "participation.hosts_active": 1,     # PD (M1); not PA (M2 ended 1 April, M8 July)
                   "community.issues_discussed": 2,     # I1, I3 at MC1 (2024-06-10)
                   "community.activities": 0,           # AC3 is not 地域づくり; no log in June
                   "community.hubs_active": 4}          # PA, PB, PC (closed only in 2025), PF


def test_the_codes_start_with_the_part_b_id_in_order(report):
    codes = list(report)
    assert codes[0] == "P0-1" and codes[-1] == "P5-4"
    assert {"P2-1-new", "P2-1-continuing", "P2-2-created", "P2-2-revised"} <= set(codes)


def test_a_year_with_no_records_gives_zeros(city):
    world.build(city)
    figures = national.national_report(city.municipality, 2015)
    assert {f["value"] for f in figures} == {0}


def test_a_future_year_is_refused_with_a_reason(city):
    with pytest.raises(national.FutureYear, match="まだ始まっていません"):
        national.national_report(city.municipality, 2100)


def test_the_api_returns_the_contract_to_secretariat_and_coordinators(city, client):
    world.build(city)
    for user in (city.secretariat, city.coordinator):
        client.force_login(user)
        body = client.get(f"/api/v1/reports/national?fiscal_year={world.FY}").json()
        assert body["fiscal_year"] == world.FY
        values = {f["code"]: f["value"] for f in body["figures"]}
        assert {k: values[k] for k in world.EXPECTED} == world.EXPECTED
        assert all(isinstance(f["value"], int | float) and f["label"] for f in body["figures"])
    future = client.get("/api/v1/reports/national?fiscal_year=2100")
    assert future.status_code == 422 and "まだ始まっていません" in future.json()["detail"]
    for user in (city.recorder, city.admin, city.auditor):
        client.force_login(user)
        assert client.get(f"/api/v1/reports/national?fiscal_year={world.FY}").status_code == 403


def test_the_participation_users_drill_lists_the_cases_behind_it(city):
    w = world.build(city)
    drill = metrics.get("participation.users").drill
    cases = drill(city.municipality, Period.fiscal(world.FY))
    # matches M1, M7, M8 (C1), M2 (C2), M9 (C4); 参加支援 contacts on C4, C3, C8
    assert {c.summary for c in cases} == {"C1", "C2", "C3", "C4", "C8"}
    assert w.cases["C6"] not in cases  # M3 ended before the 年度
