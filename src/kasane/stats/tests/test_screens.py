"""The statistics screens: national report (screen, CSV, Excel), its 点検 list, one metric with
the records behind it, the dashboards (SVG + table + CSV) and suppression for 委員."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from kasane.accounts.models import Membership, Role, User
from kasane.audit.models import AccessLog

from . import world

pytestmark = pytest.mark.django_db


def _committee(city):
    user = User.objects.create_user(username="iin", password="x-correct-horse",
                                    municipality=city.municipality, display_name="委員")
    Membership.objects.create(user=user, organization=city.orgs["city"], role=Role.COMMITTEE)
    return user


def test_the_national_screen_and_files(city, client):
    world.build(city)
    client.force_login(city.secretariat)
    page = client.get("/stats/national/?fiscal_year=2024").content.decode()
    assert 'data-testid="cell-P1-2"' in page and "令和6年度" in page
    assert 'data-testid="cell-P4-1"' in page and 'data-testid="cell-P5-4"' in page
    assert "算出できません" not in page  # every figure has its records now
    assert "事業間で重複計上あり" in page
    csv_text = client.get("/stats/national/?fiscal_year=2024&format=csv").content.decode("utf-8-sig")
    assert "P2-1-continuing,取扱件数（継続）,件,2," in csv_text.replace("多機関協働事業,", "")
    book = load_workbook(io.BytesIO(client.get("/stats/national/?fiscal_year=2024&format=xlsx").content))
    rows = {r[1]: r[4] for r in book["国への報告"].iter_rows(min_row=4, values_only=True)}
    assert {k: rows[k] for k in world.EXPECTED} == world.EXPECTED
    future = client.get("/stats/national/?fiscal_year=2099")
    assert future.status_code == 422 and "まだ始まっていません" in future.content.decode()
    client.force_login(_committee(city))
    assert client.get("/stats/national/?fiscal_year=2024").status_code == 403


def test_the_check_list_links_only_the_records_the_reader_may_open(city, client):
    w = world.build(city)
    c3 = w.cases["C3"]  # K11, a contact without 事業
    client.force_login(city.secretariat)  # aggregate right only: no names, no links
    page = client.get("/stats/national/check/?fiscal_year=2024").content.decode()
    assert "事業のついていない支援記録（1件）" in page
    assert f'href="/cases/{c3.pk}/"' not in page and "福祉相談課 1件" in page
    client.force_login(city.coordinator)  # the coordinator's org leads C3: listed with a link
    page = client.get("/stats/national/check/?fiscal_year=2024").content.decode()
    assert f'href="/cases/{c3.pk}/"' in page and "事業なしの記録 1件" in page


def test_the_records_behind_a_number_are_filtered_by_access_the_count_is_not(city, client):
    world.build(city)
    client.force_login(city.secretariat)
    page = client.get("/stats/metrics/cases.opened/?fiscal_year=2024&tag=comprehensive").content.decode()
    assert "内訳の記録（2件）" in page and "ほか2件" in page and "/cases/" not in page
    client.force_login(city.coordinator)
    before = AccessLog.objects.filter(action="case.list").count()
    page = client.get("/stats/metrics/cases.opened/?fiscal_year=2024&tag=comprehensive").content.decode()
    assert "内訳の記録（2件）" in page and "ほか" not in page
    assert AccessLog.objects.filter(action="case.list").count() > before


def test_dashboards_draw_svg_with_a_table_and_csv(city, client):
    world.build(city)
    client.force_login(city.coordinator)
    page = client.get("/stats/dashboard/?fiscal_year=2024").content.decode()
    assert page.count("<svg class=\"chart\"") >= 6
    assert 'data-testid="chart-area"' in page and 'data-testid="chart-problem"' in page
    csv_text = client.get("/stats/dashboard/?fiscal_year=2024&chart=contacts&format=csv") \
        .content.decode("utf-8-sig")
    # May: K1, K6 reached, K7 not; the year: K1 K2 K3 K6 K11 + two 参加支援 contacts in
    # October (world_p45) reached, K4 K7 K8 K9 + one in October not
    assert "5月,2,1" in csv_text and "10月,2,1" in csv_text and "合計,7,5" in csv_text


def test_a_committee_member_sees_stars_never_a_single_person(city, client):
    world.build(city)
    client.force_login(_committee(city))
    page = client.get("/stats/dashboard/?fiscal_year=2024").content.decode()
    assert "＊" in page and "個人が特定されるおそれ" in page
    csv_text = client.get("/stats/dashboard/?fiscal_year=2024&chart=age&format=csv") \
        .content.decode("utf-8-sig")
    cells = [row.split(",")[1] for row in csv_text.strip().split("\r\n")[2:]]
    # opened in the year: C2 (C, 0-17), C6 and C8 (G, I: 40-64), C1 (A, 65-74); all below 5,
    # and so is the total (4)
    assert cells == ["＊", "0", "＊", "＊", "0", "0", "＊"]
    one = client.get("/stats/metrics/cases.opened/?from=2024-04-01&to=2024-04-01")
    assert one.status_code == 200 and "<strong>＊</strong>" in one.content.decode()
    assert "内訳の記録" not in one.content.decode()


def test_a_custom_period_takes_wareki_dates_and_explains_a_bad_one(city, client):
    world.build(city)
    client.force_login(city.secretariat)
    page = client.get("/stats/metrics/contacts.count/?from=R6.5.1&to=R6.5.31").content.decode()
    assert "2024-05-01〜2024-05-31" in page and "<strong>3回</strong>" in page  # K1, K6, K7
    bad = client.get("/stats/metrics/contacts.count/?from=R6.13.1&to=R6.5.31").content.decode()
    assert "読み取れません" in bad
