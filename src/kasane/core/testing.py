"""Test helpers that need no app: the N+1 guard of issue 13 (query discipline).

``assert_flat_queries(add_rows, fetch)`` adds one row, requests the page or endpoint, adds
rows up to ``large`` (25) and requests it again; it fails when the second request ran more
queries than the first, listing the statements whose count grew (literals folded, so the 24
copies of ``… WHERE id = 7`` read as one shape ×24). Equality passes: a page may run many
queries, but never one more per row.

``add_rows(n)`` adds ``n`` more rows (it is called with 1, then with ``large - 1``);
``fetch()`` performs the request and returns the response (or any value). A response with a
``status_code`` must answer ``status`` (200). ``check(result, rows)``, when given, runs after
each measured request with the number of rows made so far, so a test proves the page really
shows them (an empty or 404 page would otherwise pass with a flat count).

Several guards may share their rows in one test (a page and its API): a later guard then
compares 26 rows with 50 — the same proof that no row costs a query.

One unmeasured request runs first: per-process caches (content types, sheet definitions,
sessions) fill there and would otherwise count against the one-row request only.

Queries are counted as issued: the batches one ``bulk_create`` is split into by the backend
count once (``_statements``).

``KASANE_QUERY_REPORT=<file>`` appends ``label<TAB>small<TAB>large`` per guarded request,
for the "queries per list page" table of the closing note.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

SMALL = 1
LARGE = 25

_LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b|\b(?:NULL|TRUE|FALSE)\b")
_LISTS = re.compile(r"\((?:\s*\?\s*,)*\s*\?\s*\)")
_SAVEPOINT = re.compile(r'"s\d+_x\d+"')
_ROWS = re.compile(r"\(\?…\)(?:, \(\?…\))+")


def _fold(sql: str) -> str:
    return _LISTS.sub("(?…)", _LITERAL.sub("?", _SAVEPOINT.sub('"s?"', sql)))


def query_shape(sql: str) -> str:
    """The statement with its literals folded to ``?`` (IN lists and the rows of a multi-row
    INSERT to one ``(?…)``)."""
    return _ROWS.sub("(?…)", _fold(sql))


@dataclass
class QueryCounts:
    label: str
    small: int
    large: int
    small_queries: list[str]
    large_queries: list[str]
    result: Any = None

    def grown(self) -> list[tuple[str, int]]:
        """(shape, extra count) for each statement that ran more often with more rows."""
        before = Counter(query_shape(q) for q in self.small_queries)
        after = Counter(query_shape(q) for q in self.large_queries)
        return [(shape, n - before.get(shape, 0)) for shape, n in after.items()
                if n > before.get(shape, 0)]

    def message(self) -> str:
        lines = [f"{self.label}: {self.small} queries with {SMALL} row, {self.large} with "
                 f"the larger set — the count grows with the rows (N+1). Grown statements:"]
        lines += [f"  +{n} × {shape[:400]}" for shape, n in self.grown()]
        return "\n".join(lines)


_INSERT = re.compile(r'^INSERT INTO ("?\w+"?)', re.IGNORECASE)


def _statements(queries: list[str]) -> list[str]:
    """The queries as the code issued them: one ``bulk_create`` is one statement even when the
    backend splits it into batches (SQLite binds at most 999 variables: 76 access-log rows a
    batch), so a batch following a multi-row INSERT into the same table is not counted."""
    out: list[str] = []
    previous_bulk = ""
    for sql in queries:
        insert = _INSERT.match(sql)
        table = insert.group(1) if insert else ""
        if table and table == previous_bulk:
            continue
        previous_bulk = table if table and "VALUES (?…), (?…)" in _fold(sql) else ""
        out.append(sql)
    return out


def _measure(fetch: Callable[[], Any], status: int | None) -> tuple[list[str], Any]:
    with CaptureQueriesContext(connection) as ctx:
        result = fetch()
    code = getattr(result, "status_code", None)
    if status is not None and code is not None and code != status:
        body = getattr(result, "content", b"")[:300]
        raise AssertionError(f"expected HTTP {status}, got {code}: {body!r}")
    return _statements([q["sql"] for q in ctx.captured_queries]), result


def count_queries(fetch: Callable[[], Any], *, status: int | None = 200) -> tuple[int, Any]:
    """(queries run by ``fetch()``, its result)."""
    queries, result = _measure(fetch, status)
    return len(queries), result


def assert_flat_queries(add_rows: Callable[[int], Any], fetch: Callable[[], Any], *,
                        label: str = "", large: int = LARGE, status: int | None = 200,
                        check: Callable[[Any, int], Any] | None = None,
                        slack: int = 0) -> QueryCounts:
    """Fail when ``fetch()`` runs more queries with ``large`` rows than with one (see the
    module docstring). ``slack`` allows that many extra queries; a caller passing it must say
    why in a comment (it is never the way to hide a query a row: 24 extra rows need 24)."""
    __tracebackhide__ = True  # pytest shows the failure at the caller
    add_rows(SMALL)
    _measure(fetch, status)  # warm-up (per-process caches)
    small_queries, result = _measure(fetch, status)
    if check is not None:
        check(result, SMALL)
    add_rows(large - SMALL)
    large_queries, result = _measure(fetch, status)
    if check is not None:
        check(result, large)
    counts = QueryCounts(label=label or getattr(fetch, "__name__", "request"),
                         small=len(small_queries), large=len(large_queries),
                         small_queries=small_queries, large_queries=large_queries, result=result)
    report = os.environ.get("KASANE_QUERY_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as out:
            out.write(f"{counts.label}\t{counts.small}\t{counts.large}\t{large}\n")
    if counts.large > counts.small + slack:
        raise AssertionError(counts.message())
    return counts
