"""The national report (spec/reporting.md B.2): every figure on hand-made records
(``world.py``: the expected numbers are written by hand there), the API contract, roles,
future and empty years, figures with no records source."""

from __future__ import annotations

import pytest

from kasane.stats import national

from . import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(city):
    world.build(city)
    return {f["code"]: f for f in national.national_report(city.municipality, world.FY)}


def test_every_national_figure_matches_the_hand_count(report):
    got = {code: report[code]["value"] for code in world.EXPECTED}
    assert got == world.EXPECTED
    assert all(report[code]["available"] for code in world.EXPECTED)


def test_every_printed_cell_is_either_hand_checked_or_an_unavailable_family(report):
    unchecked = set(report) - set(world.EXPECTED)
    manual = {code for code in unchecked if report[code]["manual"]}
    assert manual == {"P0-3-budget", "P0-3-settled"}  # typed cells (B.1), none typed yet
    assert unchecked and all(code[:2] in ("P4", "P5") for code in unchecked - manual)
    for code in unchecked:
        assert report[code]["value"] == 0 and not report[code]["available"]
        assert ("まだこのシステムにありません" in report[code]["reason"]) is (code not in manual)
    for code in manual:
        assert "手入力の値がまだありません" in report[code]["reason"]


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
