"""The case page's 「関わりのプロセス」 panel (process evaluation, seed 004) on hand-made
records: first reached contact, stage progression, referrals and their answer times."""

from __future__ import annotations

import pytest

from kasane.stats.process import case_process

from . import world

pytestmark = pytest.mark.django_db


def test_the_process_of_one_case(city):
    w = world.build(city)
    p = case_process(w.cases["C4"])
    # C4: 受付 2023-10-01 10:00; K6 reached 2024-05-01 10:00, K7 not reached 2024-05-08;
    # a 参加支援 contact 2024-10-01 (world_p45)
    assert p.first_contact_days == 213.0
    assert (p.months, p.reached, p.missed) == (["2024/5", "2024/10"], [1, 1], [1, 0])
    assert [r["to"] for r in p.referrals] == ["図書館"] and p.referrals[0]["status"] == "受理"
    assert [o["name"] for o in p.organizations] == ["福祉相談課"]
    c8 = case_process(w.cases["C8"])
    # 2024-09-01 10:00 → K10 2025-04-01 00:01: 212 days less 9 h 59 min
    assert c8.first_contact_days == 211.6


def test_the_panel_shows_on_the_case_page_for_case_roles(city, client):
    w = world.build(city)
    client.force_login(city.coordinator)
    page = client.get(f"/cases/{w.cases['C4'].pk}/").content.decode()
    assert 'data-testid="case-process"' in page and "受付から213.0日" in page
