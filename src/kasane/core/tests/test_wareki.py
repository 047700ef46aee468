"""和暦 parsing/formatting and 年度 (no Django needed)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasane.core.wareki import (
    ERAS,
    WarekiError,
    era_of,
    fiscal_year,
    fiscal_year_label,
    fiscal_year_range,
    format_both,
    format_wareki,
    format_wareki_year,
    parse_date,
    parse_partial_birth,
)

# database=None: Hypothesis must not write a .hypothesis/ folder into the work tree.
PROPERTY = settings(database=None, deadline=None, max_examples=300)

MEIJI_START = dt.date(1868, 10, 23)
dates = st.dates(min_value=MEIJI_START, max_value=dt.date(2100, 12, 31))
D = dt.date


# --- parse_date ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-04-01", D(2024, 4, 1)),
        ("2024/4/1", D(2024, 4, 1)),
        ("2024.4.1", D(2024, 4, 1)),
        ("20240401", D(2024, 4, 1)),
        ("2024年4月1日", D(2024, 4, 1)),
        ("２０２４－０４－０１", D(2024, 4, 1)),
        (" 2024 / 4 / 1 ", D(2024, 4, 1)),
        ("令和6年4月1日", D(2024, 4, 1)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("令和1年5月1日", D(2019, 5, 1)),
        ("令和 ６年 ４月 １日", D(2024, 4, 1)),
        ("R6.4.1", D(2024, 4, 1)),
        ("R6/4/1", D(2024, 4, 1)),
        ("r6-4-1", D(2024, 4, 1)),
        ("Ｒ６．４．１", D(2024, 4, 1)),
        ("ｒ６.４.１", D(2024, 4, 1)),
        ("S50.4.1", D(1975, 4, 1)),
        ("昭和50年4月1日", D(1975, 4, 1)),
        ("昭50.4.1", D(1975, 4, 1)),
        ("H31.4.30", D(2019, 4, 30)),
        ("㍻31年4月30日", D(2019, 4, 30)),
        ("S64.1.7", D(1989, 1, 7)),
        ("H1.1.8", D(1989, 1, 8)),
        ("T1.7.30", D(1912, 7, 30)),
        ("M45.7.29", D(1912, 7, 29)),
        ("明治元年10月23日", D(1868, 10, 23)),
        ("大正15年12月24日", D(1926, 12, 24)),
        ("昭和元年12月25日", D(1926, 12, 25)),
        ("2024-02-29", D(2024, 2, 29)),
    ],
)
def test_it_parses_dates(raw: str, expected: dt.date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "日付を入力してください"),
        ("   ", "日付を入力してください"),
        ("あした", "日付の形式が正しくありません（例: 2024-04-01、令和6年4月1日、R6.4.1）"),
        ("R6.4", "日付の形式が正しくありません（例: 2024-04-01、令和6年4月1日、R6.4.1）"),
        ("24/4/1", "日付の形式が正しくありません（例: 2024-04-01、令和6年4月1日、R6.4.1）"),
        ("X6.4.1", "日付の形式が正しくありません（例: 2024-04-01、令和6年4月1日、R6.4.1）"),
        ("2024-02-30", "存在しない日付です（2024年2月30日）"),
        ("2023-02-29", "存在しない日付です（2023年2月29日）"),
        ("令和6年2月30日", "存在しない日付です（令和6年2月30日）"),
        ("R6.13.1", "存在しない日付です（令和6年13月1日）"),
        ("20241301", "存在しない日付です（2024年13月1日）"),
        ("令和元年4月30日", "令和は令和元年5月1日（2019年5月1日）からです"),
        ("R1.1.1", "令和は令和元年5月1日（2019年5月1日）からです"),
        ("平成31年5月1日", "平成は平成31年4月30日（2019年4月30日）までです"),
        ("平成32年1月1日", "平成は平成31年4月30日（2019年4月30日）までです"),
        ("S64.1.8", "昭和は昭和64年1月7日（1989年1月7日）までです"),
        ("明治元年1月1日", "明治は明治元年10月23日（1868年10月23日）からです"),
        ("R0.5.1", "0年という年はありません（和暦の最初の年は「元年」、つまり1年です）"),
        ("令和0年5月1日", "0年という年はありません（和暦の最初の年は「元年」、つまり1年です）"),
        ("0000-01-01", "0年という年はありません（西暦は1年からです）"),
    ],
)
def test_it_explains_refused_dates_in_japanese(raw: str, message: str) -> None:
    with pytest.raises(WarekiError) as exc:
        parse_date(raw)
    assert str(exc.value) == message


def test_it_makes_wareki_errors_value_errors() -> None:
    with pytest.raises(ValueError, match="存在しない日付です"):
        parse_date("2024-02-30")


# --- formatting -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "long", "short"),
    [
        (D(2024, 4, 1), "令和6年4月1日", "R6.4.1"),
        (D(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (D(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (D(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (D(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (D(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
        (D(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
        (D(1868, 10, 23), "明治元年10月23日", "M1.10.23"),
        (D(1975, 4, 1), "昭和50年4月1日", "S50.4.1"),
        (D(1850, 1, 2), "1850年1月2日", "1850.1.2"),
    ],
)
def test_it_formats_wareki(d: dt.date, long: str, short: str) -> None:
    assert format_wareki(d) == long
    assert format_wareki(d, style="long") == long
    assert format_wareki(d, style="short") == short


def test_it_refuses_unknown_styles() -> None:
    with pytest.raises(ValueError, match="unknown style"):
        format_wareki(D(2024, 4, 1), style="medium")  # type: ignore[arg-type]


def test_it_formats_wareki_years_and_both_calendars() -> None:
    assert format_wareki_year(D(2024, 4, 1)) == "令和6年"
    assert format_wareki_year(D(2019, 5, 1)) == "令和元年"
    assert format_wareki_year(D(2019, 4, 30)) == "平成31年"
    assert format_wareki_year(D(1867, 1, 1)) == "1867年"
    assert format_both(D(2024, 4, 1)) == "令和6年4月1日（2024年）"


def test_it_finds_the_era_of_a_date() -> None:
    assert era_of(D(1868, 10, 22)) is None
    assert era_of(D(1868, 10, 23)) == ERAS[0]
    assert [era_of(e.start) for e in ERAS] == list(ERAS)
    assert [era_of(e.end) for e in ERAS if e.end] == list(ERAS[:-1])


def test_it_keeps_the_eras_contiguous() -> None:
    for before, after in zip(ERAS, ERAS[1:], strict=False):
        assert before.end is not None
        assert before.end + dt.timedelta(days=1) == after.start
    assert ERAS[-1].end is None


@PROPERTY
@given(dates)
def test_it_round_trips_long_wareki(d: dt.date) -> None:
    assert parse_date(format_wareki(d)) == d


@PROPERTY
@given(dates)
def test_it_round_trips_short_wareki(d: dt.date) -> None:
    assert parse_date(format_wareki(d, style="short")) == d


@PROPERTY
@given(dates)
def test_it_round_trips_iso_and_compact_dates(d: dt.date) -> None:
    assert parse_date(d.isoformat()) == d
    assert parse_date(d.strftime("%Y%m%d")) == d
    assert parse_date(f"{d.year}/{d.month}/{d.day}") == d


@PROPERTY
@given(dates)
def test_it_names_the_era_year_consistently(d: dt.date) -> None:
    era = era_of(d)
    assert era is not None and era.contains(d)
    assert format_wareki(d).startswith(format_wareki_year(d))
    assert format_wareki(d, style="short").startswith(f"{era.letter}{era.year_of(d)}.")


# --- fiscal years ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (D(2024, 4, 1), 2024),
        (D(2025, 3, 31), 2024),
        (D(2025, 4, 1), 2025),
        (D(2024, 12, 31), 2024),
        (D(2024, 1, 1), 2023),
    ],
)
def test_it_finds_the_fiscal_year(d: dt.date, fy: int) -> None:
    assert fiscal_year(d) == fy


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        (2024, "令和6年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1975, "昭和50年度"),
        (1850, "1850年度"),
    ],
)
def test_it_labels_fiscal_years(fy: int, label: str) -> None:
    assert fiscal_year_label(fy) == label


def test_it_gives_the_fiscal_year_range() -> None:
    assert fiscal_year_range(2024) == (D(2024, 4, 1), D(2025, 3, 31))
    assert fiscal_year_range(2023) == (D(2023, 4, 1), D(2024, 3, 31))


@PROPERTY
@given(dates)
def test_it_puts_every_date_inside_its_fiscal_year(d: dt.date) -> None:
    fy = fiscal_year(d)
    start, end = fiscal_year_range(fy)
    assert start <= d <= end
    assert fy in (d.year, d.year - 1)
    assert (end - start).days in (364, 365)
    assert fiscal_year(start) == fiscal_year(end) == fy
    assert fiscal_year(start - dt.timedelta(days=1)) == fy - 1
    assert fiscal_year(end + dt.timedelta(days=1)) == fy + 1


# --- parse_partial_birth ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("S50", (D(1975, 1, 1), D(1975, 12, 31))),
        ("s50", (D(1975, 1, 1), D(1975, 12, 31))),
        ("Ｓ５０", (D(1975, 1, 1), D(1975, 12, 31))),
        ("昭和50年", (D(1975, 1, 1), D(1975, 12, 31))),
        ("昭和50", (D(1975, 1, 1), D(1975, 12, 31))),
        ("S50.4", (D(1975, 4, 1), D(1975, 4, 30))),
        ("S50/2", (D(1975, 2, 1), D(1975, 2, 28))),
        ("昭和50年4月", (D(1975, 4, 1), D(1975, 4, 30))),
        ("H31", (D(2019, 1, 1), D(2019, 4, 30))),
        ("R1", (D(2019, 5, 1), D(2019, 12, 31))),
        ("令和元年", (D(2019, 5, 1), D(2019, 12, 31))),
        ("S64", (D(1989, 1, 1), D(1989, 1, 7))),
        ("H1.1", (D(1989, 1, 8), D(1989, 1, 31))),
        ("1975年", (D(1975, 1, 1), D(1975, 12, 31))),
        ("1975-04", (D(1975, 4, 1), D(1975, 4, 30))),
        ("1975年12月", (D(1975, 12, 1), D(1975, 12, 31))),
        ("S50.4.1", (D(1975, 4, 1), D(1975, 4, 1))),
        ("1975/4/1", (D(1975, 4, 1), D(1975, 4, 1))),
    ],
)
def test_it_reads_birth_date_queries_as_ranges(
    query: str, expected: tuple[dt.date, dt.date]
) -> None:
    assert parse_partial_birth(query) == expected


@pytest.mark.parametrize(
    "query",
    ["", "山田", "やまだ", "1975", "19750401", "090-1234", "H40", "R1.4", "S50.13", "S0",
     "S50.2.30", "Sato", "R", "2024-13"],
)
def test_it_ignores_queries_that_are_not_birth_dates(query: str) -> None:
    assert parse_partial_birth(query) is None


@PROPERTY
@given(dates)
def test_it_finds_a_birth_date_by_its_era_year_and_month(d: dt.date) -> None:
    era = era_of(d)
    assert era is not None
    year = era.year_of(d)
    by_year = parse_partial_birth(f"{era.letter}{year}")
    by_month = parse_partial_birth(f"{era.name}{year}年{d.month}月")
    assert by_year is not None and by_year[0] <= d <= by_year[1]
    assert by_month is not None and by_month[0] <= d <= by_month[1]
    assert by_month[0].month == by_month[1].month == d.month
    assert by_year[0] <= by_month[0] <= by_month[1] <= by_year[1]


@PROPERTY
@given(st.text(max_size=20))
def test_it_never_raises_on_search_queries(query: str) -> None:
    result = parse_partial_birth(query)
    assert result is None or result[0] <= result[1]
