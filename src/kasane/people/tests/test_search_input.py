"""Search queries that must be refused at once, with a Japanese message and no database work."""

import datetime as dt

import pytest

from kasane.people.selectors import (
    MAX_TOKENS,
    MSG_BAD_DATE,
    MSG_BROAD_BIRTH,
    MSG_EMPTY,
    MSG_LONG,
    MSG_SHORT,
    MSG_TOO_MANY,
    parse_query,
    person_search,
)
from kasane.people.tests.factories import actor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("q,message", [
    ("", MSG_EMPTY), (None, MSG_EMPTY), ("   \u3000", MSG_EMPTY), ("\x00\x01\u200b", MSG_EMPTY),
    ("高", MSG_SHORT), ("ｱ", MSG_SHORT), ("高\x00", MSG_SHORT),
    ("あ" * 101, MSG_LONG), ("あ" * 10_000, MSG_LONG), ("a " * 5_000, MSG_LONG),
    ("S50", MSG_BROAD_BIRTH), ("昭和50年", MSG_BROAD_BIRTH), ("1975年", MSG_BROAD_BIRTH),
    ("s50", MSG_BROAD_BIRTH), ("S99.13.1", MSG_BAD_DATE), ("ヤマダ S50.13", MSG_BAD_DATE),
    ("令和0年4月1日", MSG_BAD_DATE), ("1975/02/30", MSG_BAD_DATE),
    (" ".join(["ヤマ"] * (MAX_TOKENS + 1)), MSG_TOO_MANY),
])
def test_it_refuses_bad_queries_without_touching_the_database(
        city, django_assert_num_queries, q, message) -> None:
    member = actor(city.recorder)
    with django_assert_num_queries(0):
        result = person_search(member, q)
    assert result.error == message and result.items == []


def test_a_long_query_is_echoed_shortened(city) -> None:
    result = person_search(actor(city.recorder), "あ" * 10_000)
    assert result.error == MSG_LONG and len(result.query) <= 100


@pytest.mark.parametrize("q,expected", [
    ("ヤマダ S50", (["ヤマダ"], (dt.date(1975, 1, 1), dt.date(1975, 12, 31)), "")),
    ("山田　昭和50.4.3", (["山田"], (dt.date(1975, 4, 3), dt.date(1975, 4, 3)), "")),
    ("1975/4/3", ([], (dt.date(1975, 4, 3), dt.date(1975, 4, 3)), "")),
    ("S50.4", ([], (dt.date(1975, 4, 1), dt.date(1975, 4, 30)), "")),
    ("０３－１２３４－５６７８", ([], None, "0312345678")),
    ("やまだ たろう 090-1111", (["ヤマダ", "タロウ"], None, "0901111")),
])
def test_it_splits_names_birth_dates_and_phones(q, expected) -> None:
    parsed = parse_query(q)
    assert not parsed.error
    assert (parsed.names, parsed.birth, parsed.phone) == expected
