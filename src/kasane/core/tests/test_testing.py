"""The N+1 guard itself: it fails on a query a row, passes a flat page, and names the
statements that grew."""

from __future__ import annotations

import pytest
from django.db import connection

from kasane.core.testing import _statements, assert_flat_queries, query_shape

pytestmark = pytest.mark.django_db


def _run(sql: str, times: int = 1) -> None:
    with connection.cursor() as cursor:
        for _ in range(times):
            cursor.execute(sql)


def test_it_fails_when_the_count_grows_with_the_rows_and_lists_the_extra_statements() -> None:
    rows: list[int] = []

    def page() -> None:
        _run("SELECT 1")
        for i in rows:
            _run(f"SELECT {i} AS one_query_a_row")

    with pytest.raises(AssertionError) as failure:
        assert_flat_queries(lambda n: rows.extend(range(len(rows), len(rows) + n)), page,
                            label="the page")
    message = str(failure.value)
    assert "the page: 2 queries with 1 row, 26 with the larger set" in message
    assert "+24 × SELECT ? AS one_query_a_row" in message


def test_it_passes_a_page_whose_count_stays_the_same_and_checks_what_it_shows() -> None:
    rows: list[int] = []
    seen: list[tuple[int, int]] = []

    def page() -> int:
        _run("SELECT 1")
        _run("SELECT 2")
        return len(rows)

    counts = assert_flat_queries(lambda n: rows.extend([0] * n), page,
                                 check=lambda shown, n: seen.append((shown, n)))
    assert (counts.small, counts.large) == (2, 2)
    assert seen == [(1, 1), (25, 25)]


def test_it_allows_only_the_stated_slack() -> None:
    rows: list[int] = []

    def page() -> None:
        _run("SELECT 1", times=1 + (len(rows) > 1))

    assert_flat_queries(lambda n: rows.extend([0] * n), page, slack=1)
    rows.clear()
    with pytest.raises(AssertionError):
        assert_flat_queries(lambda n: rows.extend([0] * n), page)


def test_it_refuses_a_response_that_is_not_the_expected_status() -> None:
    class Response:
        status_code = 404
        content = b"not found"

    with pytest.raises(AssertionError, match="expected HTTP 200, got 404"):
        assert_flat_queries(lambda n: None, Response)


def test_it_folds_literals_and_counts_the_batches_of_one_bulk_insert_once() -> None:
    assert query_shape("SELECT * FROM t WHERE id = 7 AND name = 'a''b' AND x IN (1, 2, 3)") == \
        "SELECT * FROM t WHERE id = ? AND name = ? AND x IN (?…)"
    bulk = ['INSERT INTO "log" ("a", "b") VALUES (1, 2), (3, 4)', 'INSERT INTO "log" ("a", "b") VALUES (5, 6)']
    assert _statements(bulk) == bulk[:1]
    singles = ['INSERT INTO "log" ("a", "b") VALUES (1, 2)'] * 3
    assert _statements(singles) == singles  # a row a statement stays a row a statement
    assert query_shape(bulk[0]) == query_shape(singles[0])  # one shape however many rows
