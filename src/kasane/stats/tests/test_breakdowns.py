"""Dashboards by 課題の分類, 圏域 and 圏域 × 年齢層 (issue 19), and what 委員 see of them (B.5):
small numbers hidden, categories collapsed, and no line of the published tables — each chart's
bars with its total, the 圏域 × 年齢層 table against the 圏域 and 年齢層 charts — can be
differenced back to a hidden number."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasane.accounts.models import Membership, Role, User
from kasane.cases.tests import breakdown_world
from kasane.core.metrics import Period
from kasane.stats import breakdowns, dashboards
from kasane.stats.charts import Chart
from kasane.stats.suppression import suppress_lines

FY = Period.fiscal(2024)


def _committee(city):
    user = User.objects.create_user(username="iin", password="x-correct-horse",
                                    municipality=city.municipality, display_name="委員")
    Membership.objects.create(user=user, organization=city.orgs["city"], role=Role.COMMITTEE)
    return user


def _csv(client, chart):
    text = client.get(f"/stats/dashboard/?fiscal_year=2024&chart={chart}&format=csv") \
        .content.decode("utf-8-sig")
    return [line.split(",") for line in text.strip().split("\r\n")]


@pytest.mark.django_db
def test_the_office_sees_problems_areas_and_the_cross_table(city, client) -> None:
    breakdown_world.build(city)
    client.force_login(city.coordinator)
    page = client.get("/stats/dashboard/?fiscal_year=2024").content.decode()
    for key in ("problem", "area", "age_area"):
        assert f'data-testid="chart-{key}"' in page
    assert "算出できません（圏域" not in page and "分類が未記録の新規ケース 1件" in page  # D
    rows = {r[0]: r[1:] for r in _csv(client, "problem")}
    # opened in FY2024: A ◎income ○debt, B ◎care, C ○care ◎mental, D none
    assert rows["介護"] == ["2", "1"] and rows["収入・生活費のこと"] == ["1", "1"]
    assert rows["債務"] == ["1", "0"] and rows["こころの問題"] == ["1", "1"]
    assert rows["合計"] == ["5", "3"]
    areas = {r[0]: r[1:] for r in _csv(client, "area")}
    assert areas["北部"] == ["1"] and areas["中部"] == ["1"] and areas["本町12"] == ["1"]
    assert areas["未設定"] == ["1"] and areas["合計"] == ["4"]
    cross = _csv(client, "age_area")
    assert cross[1][1:] == ["0-17歳", "18-39歳", "40-64歳", "65-74歳", "75-歳", "不明"]
    north = next(r for r in cross if r[0] == "北部")
    assert north[1:] == ["0", "0", "1", "0", "0", "0"]  # A, born 1970: 54 on 2025-03-31


@pytest.mark.django_db
def test_a_committee_member_gets_stars_and_collapsed_bands_never_an_error(city, client) -> None:
    breakdown_world.build(city)
    client.force_login(_committee(city))
    response = client.get("/stats/dashboard/?fiscal_year=2024")
    assert response.status_code == 200
    rows = {r[0]: r[1:] for r in _csv(client, "problem")}
    assert rows["介護"] == ["＊", "＊"] and rows["債務"] == ["＊", "0"]
    assert rows["ひきこもり・不登校"] == ["0", "0"]
    cross = _csv(client, "age_area")
    # every band collapsed into one (each has a small cell); 不明 stays apart
    assert cross[1][1:] == ["0-17歳・18-39歳・40-64歳・65-74歳・75-歳", "不明"]
    assert all(v in ("＊", "0") for r in cross[2:] for v in r[1:])
    # the metric drill-down for 委員 with the new filters: a star, not an error page
    one = client.get("/stats/metrics/cases.opened/?fiscal_year=2024&area=01&problem=income")
    assert one.status_code == 200 and "<strong>＊</strong>" in one.content.decode()


def _published_lines(age: Chart, area: Chart, cross: Chart, n_bands: int) -> list[list]:
    """Every equation a reader can write from the three published charts (values as printed,
    None = hidden): each chart's bars = its total; a 圏域's row of the cross table = its bar in
    the 圏域 chart; a cross column = its 合計; a collapsed column = the sum of its bands'
    bars in the 年齢層 chart; the three totals are one number."""
    lines = [age.series[0][1] + age.totals, area.series[0][1] + area.totals]
    for a in range(len(area.labels)):
        lines.append([vs[a] for _, vs in cross.series] + [area.series[0][1][a]])
    for (name, vs), total in zip(cross.series, cross.totals, strict=True):
        lines.append(list(vs) + [total])
        members = name.split("・")
        if len(members) > 1:
            index = [age.labels.index(m) for m in members]
            lines.append([age.series[0][1][i] for i in index] + [total])
    lines.append(list(cross.totals) + age.totals)
    return lines


def _linked(counts: list[list[int]]) -> tuple[Chart, Chart, Chart]:
    labels = [f"圏域{i}" for i in range(len(counts))]
    age = Chart("age", "", "件", [breakdowns._band_label(b) for b in breakdowns.BANDS],
                [("新規", [sum(r[j] for r in counts) for j in range(len(breakdowns.BANDS))])])
    area = breakdowns.area_chart(labels, counts)
    cross = breakdowns.age_area_chart(labels, counts)
    breakdowns.linked(age, area, cross, counts)
    return age, area, cross


def test_a_hand_table_cannot_be_differenced_across_the_three_charts() -> None:
    # 北部 has one 0-17 case: the 0-17 band is collapsed with 18-39 (the smaller neighbour)
    counts = [[1, 6, 9, 7, 8, 0],
              [6, 5, 8, 9, 6, 0],
              [5, 7, 6, 5, 9, 0]]
    age, area, cross = _linked(counts)
    assert [name for name, _ in cross.series][0] == "0-17歳・18-39歳"
    assert cross.series[0][1] == [7, 11, 12] and area.series[0][1] == [31, 34, 32]
    # the 0-17 bar (12) stays, since the table shows 0-17 only merged
    assert age.series[0][1][0] == 12
    assert not [line for line in _published_lines(age, area, cross, 6)
                if sum(v is None for v in line) == 1]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.lists(
    st.lists(st.integers(0, 9), min_size=6, max_size=6), min_size=n, max_size=n)))
def test_no_random_city_leaves_a_published_line_with_one_hidden_number(counts) -> None:
    age, area, cross = _linked(counts)
    for line in _published_lines(age, area, cross, 6):
        assert sum(v is None for v in line) != 1, line
    # every printed number is true, and no printed one is small
    for (_, vs), total in zip(cross.series, cross.totals, strict=True):
        for v in [*vs, total]:
            assert v is None or v == 0 or v >= 5
    for a, v in enumerate(area.series[0][1]):
        assert v is None or v == sum(counts[a])
    for j, v in enumerate(age.series[0][1]):
        assert v is None or v == sum(r[j] for r in counts)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=6))
def test_marked_minus_main_of_a_category_is_never_a_small_visible_difference(pairs) -> None:
    marked = [m + p for m, p in pairs]  # ◎ ⊂ ○
    main = [p for _, p in pairs]
    shown = breakdowns._suppress_marks(marked, main)
    for j in range(len(pairs)):
        m, p = shown[("m", j)], shown[("p", j)]
        if m is not None and p is not None:
            assert not 0 < m - p < 5
    lines = [[shown[("m", j)] for j in range(len(pairs))] + [shown[("m", "total")]],
             [shown[("p", j)] for j in range(len(pairs))] + [shown[("p", "total")]]]
    assert all(sum(v is None for v in line) != 1 for line in lines)


def test_suppress_lines_treats_a_large_unprinted_number_as_no_equation() -> None:
    values = {"a": 7, "b": 9, "hidden_big": 20, "t": 36}
    shown = suppress_lines(values, [["a", "b", "hidden_big", "t"]], 5,
                           unprinted=frozenset({"hidden_big"}))
    assert shown == {"a": 7, "b": 9, "t": 36}


def test_the_dashboards_list_the_new_charts() -> None:
    assert {"problem", "area", "age_area"} <= set(dashboards.CHARTS)


def _more_north_cases(city, n: int) -> None:
    import datetime as dt

    from kasane.cases.models import Case, CaseSubject
    from kasane.core.text import normalize_address
    from kasane.people.models import Person

    org = city.orgs["city"]
    for i in range(n):
        c = Case.objects.create(municipality=city.municipality, tags=["comprehensive"],
                                summary=f"N{i}", lead_org=org, opened_by=city.coordinator,
                                opened_org=org, opened_at=breakdown_world.at(2024, 9, 1 + i),
                                status="intake")
        address = f"重ね市北町{i + 1}-1"
        p = Person.objects.create(municipality=city.municipality, family_name=f"N{i}",
                                  family_name_kana="テスト", birth_date=dt.date(1960, 1, 1),
                                  address=address, address_key=normalize_address(address),
                                  created_by_org=org)
        CaseSubject.objects.create(case=c, person=p, is_primary=True)


@pytest.mark.django_db
def test_a_filtered_figure_is_hidden_when_its_total_would_give_the_rest_away(city, client) -> None:
    breakdown_world.build(city)
    _more_north_cases(city, 6)  # opened: A B C D + 6 in 北部 = 10; 北部 = A + 6 = 7
    client.force_login(city.coordinator)
    office = client.get("/stats/metrics/cases.opened/?fiscal_year=2024&area=01").content.decode()
    assert "<strong>7件</strong>" in office
    client.force_login(_committee(city))
    total = client.get("/stats/metrics/cases.opened/?fiscal_year=2024").content.decode()
    assert "<strong>10件</strong>" in total
    # 10 − 7 = 3 cases outside 北部: the 7 would reveal them, so it is hidden too
    north = client.get("/stats/metrics/cases.opened/?fiscal_year=2024&area=01")
    assert north.status_code == 200 and "<strong>＊</strong>" in north.content.decode()
    assert "内訳の記録" not in north.content.decode()
    listed = client.get("/api/v1/stats/metrics?fiscal_year=2024").json()["items"]
    persons = next(m for m in listed if m["key"] == "cases.persons")
    assert persons["value"] == 12 and persons["suppressed"] is False  # handled: 11 cases, 12 persons


def test_rates_over_small_counts_are_hidden_from_the_committee() -> None:
    from kasane.cases.metrics import percent
    from kasane.stats.selectors import hides

    assert str(percent(3, 10)) == "30.0" and hides("%", percent(3, 10))   # numerator 3
    assert hides("%", percent(6, 8)) is False
    assert hides("%", percent(4, 4)) is True                              # both 4
    assert hides("件", 4) and not hides("件", 0) and not hides("件", 5)
