"""The 参加支援 and 地域づくり dashboard charts on the hand-made 令和6年度 (world_p45.py): each
month written by hand, each total equal to its national figure, with a table and a CSV."""

from __future__ import annotations

import pytest

from . import world

pytestmark = pytest.mark.django_db


def _csv(client, chart: str) -> list[str]:
    response = client.get(f"/stats/dashboard/?fiscal_year={world.FY}&chart={chart}&format=csv")
    assert response.status_code == 200
    return response.content.decode("utf-8-sig").splitlines()


def test_participation_by_month_with_the_retention_rate(city, client):
    world.build(city)
    client.force_login(city.coordinator)
    rows = _csv(client, "participation")
    assert rows[1] == ",新規マッチング（参加開始）,定着支援（実施）"
    # starts M1 June, M8 July, M9 August, M7 31 March; follow-ups F1 June, F2 July, F5 March
    assert rows[2:] == ["4月,0,0", "5月,0,0", "6月,1,1", "7月,1,1", "8月,1,0", "9月,0,0",
                        "10月,0,0", "11月,0,0", "12月,0,0", "1月,0,0", "2月,0,0", "3月,1,1",
                        "合計,4,3"]
    page = client.get(f"/stats/dashboard/?fiscal_year={world.FY}").content.decode()
    # day 90 inside the 年度: M1, M8, M9 (all still taking part); M4 (取下げ) is not counted
    assert "定着率（開始から90日）100.0%" in page


def test_community_sessions_and_participants_by_month_and_kind(city, client):
    world.build(city)
    client.force_login(city.coordinator)
    sessions = _csv(client, "community_sessions")
    assert sessions[1] == ",CSW 地域支援,出張相談会,研修・養成講座,周知,拠点の日誌"
    # AC1 May 3 回; AC2 31 March 1 回; logs PF 1 April, PA 24 December, PF 31 March;
    # AC3 (not 地域づくり) and AC4 (March 2024) are not counted
    assert sessions[2] == "4月,0,0,0,0,1" and sessions[3] == "5月,3,0,0,0,0"
    assert sessions[10] == "12月,0,0,0,0,1" and sessions[13] == "3月,0,0,1,0,1"
    assert sessions[14] == "合計,3,0,1,0,3"  # 7 = P5-2-events
    people = _csv(client, "community_participants")
    assert people[2] == "4月,0,0,0,0,10" and people[3] == "5月,30,0,0,0,0"
    assert people[13] == "3月,0,0,20,0,5"
    assert people[14] == "合計,30,0,20,0,21"  # 71 = P5-2-participants
