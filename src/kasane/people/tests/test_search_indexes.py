"""Migration 0002: the search indexes exist and the search's own SQL uses them."""

import datetime as dt

import pytest
from django.db import connection

from kasane.people.selectors import persons as selectors
from kasane.people.tests.factories import actor, make_person

pytestmark = pytest.mark.django_db

INDEXES = {"person_s_name", "person_s_kana", "person_s_given", "person_s_gkana", "person_s_phone"}


def test_the_search_indexes_exist() -> None:
    with connection.cursor() as cur:
        names = set(connection.introspection.get_constraints(cur, "people_person"))
    assert names >= INDEXES


def _plan(city, q: str, branch: int = 0) -> str:
    """The plan of one candidate branch of ``q`` (0: the first, read in key order)."""
    member = actor(city.recorder)
    parsed = selectors.parse_query(q)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ANALYZE people_person")  # statistics of this test's rows, not stale ones
            cur.execute("SET LOCAL enable_seqscan = off")  # tiny test tables: force the choice
            if branch == 0:
                cur.execute("SET LOCAL enable_bitmapscan = off")
        else:
            cur.execute("ANALYZE people_person")
        sql, params = selectors._branches(member, parsed, 51)[branch]
        prefix = "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
        cur.execute(f"{prefix} {sql}", params)
        return "\n".join(" ".join(str(c) for c in row) for row in cur.fetchall())


def _register_of_some_size(city, fields) -> None:
    """3,000 山田 of the recorder's organization, ``fields(i)`` set on the i-th: on one row
    every index costs the same and the planner may pick any of them."""
    from kasane.people.models import Person

    org = city.recorder.memberships.first().organization
    Person.objects.bulk_create(
        Person(municipality_id=org.municipality_id, created_by_org=org, family_name="山田",
               family_name_kana="ヤマダ", **fields(i)) for i in range(3000))


def _person(city) -> None:
    make_person(city.recorder, family_name="高橋", given_name="花子", family_name_kana="タカハシ",
                given_name_kana="ハナコ")


@pytest.mark.parametrize("q,index", [("タカ", "person_s_kana"), ("高橋", "person_s_name"),
                                     ("03-1234", "person_s_phone")])
def test_the_first_range_is_an_ordered_index_range_scan(city, q, index) -> None:
    _person(city)
    plan = _plan(city, q)
    assert index in plan, plan
    if connection.vendor == "postgresql":
        # ordered by the index itself: the LIMIT sits right on the index scan, no Sort of
        # the whole prefix range in between
        lines = plan.splitlines()
        at = next(i for i, line in enumerate(lines) if f"Scan using {index}" in line)
        assert lines[at - 1].startswith("Limit"), plan
    else:  # no sort of the statement itself (a basis subquery sorts its one person's grants)
        top = [line for line in plan.splitlines() if line.split()[1] == "0"]
        assert not any("USE TEMP B-TREE FOR ORDER BY" in line for line in top), plan


@pytest.mark.parametrize("q,others", [
    ("はなこ", {"person_s_name", "person_s_given", "person_s_gkana"}),
    ("タカ", {"person_s_name", "person_s_given", "person_s_gkana"}),
    ("花子", {"person_s_given"}),  # a kanji key never begins a kana key: no kana range read
    ("高橋", {"person_s_given"}),
])
def test_the_other_ranges_are_one_read_of_their_indexes(city, q, others) -> None:
    """The key columns after the first: one branch, each column through its own index (a
    bitmap OR on PostgreSQL, a multi-index OR on SQLite), never a scan of the register."""
    _register_of_some_size(city, lambda i: {
        "name_key": f"山田{i:04}", "kana_key": f"ヤマダ{i:04}", "given_name_key": f"名{i:04}",
        "given_kana_key": f"ナ{i:04}"})
    _person(city)
    plan = _plan(city, q, branch=1)
    for index in others:
        assert index in plan, plan
    first = {"kana_key": "person_s_kana", "name_key": "person_s_name"}[
        selectors._name_fields(selectors.parse_query(q))[0]]
    unread = {"person_s_name", "person_s_kana", "person_s_given", "person_s_gkana"} - others
    assert first in unread and not any(index in plan for index in unread), plan
    if len(others) > 1:
        assert ("BitmapOr" if connection.vendor == "postgresql" else "MULTI-INDEX OR") in plan, plan


def test_a_birth_date_alone_reads_the_birth_date_index(city) -> None:
    _register_of_some_size(city, lambda i: {
        "birth_date": dt.date(1930, 1, 1) + dt.timedelta(days=9 * i)})
    make_person(city.recorder, birth_date=dt.date(1975, 4, 3))
    plan = _plan(city, "S50.4.3")
    assert "person_muni_birth" in plan, plan


def test_the_policy_is_inlined_not_run_as_a_subquery_of_every_person(city) -> None:
    """A subquery over every visible person costs seconds at 1M; the plain policy must be
    inlined into each index scan."""
    sql, _params = selectors._visible_where(actor(city.recorder))
    assert "IN (SELECT" not in sql and "EXISTS" in sql.upper()
