"""Small-cell suppression (spec/reporting.md B.5): small counts print 「＊」, 0 stays 0, and no
printed line (row, column, totals) ever keeps exactly one hidden entry — so no hidden cell can
be got back by subtracting the visible ones from a total."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kasane.stats.suppression import render, suppress_rate, suppress_table, suppress_value


def _lines(t, n, m):
    """Each printed equation as (entries, total): rows, columns, and the totals row/column."""
    rows = [(t.cells[i], t.row_totals[i]) for i in range(n)]
    cols = [([t.cells[i][j] for i in range(n)], t.col_totals[j]) for j in range(m)]
    return rows + cols + [(t.row_totals, t.total), (t.col_totals, t.total)]


def _recoverable(t, n, m):
    """Hidden values an attacker gets by differencing one line (entries + total)."""
    found = []
    for entries, total in _lines(t, n, m):
        unknown = [e for e in entries if e is None] + ([None] if total is None else [])
        if len(unknown) == 1:
            found.append((entries, total))
    return found


def test_small_counts_are_hidden_and_zero_is_shown():
    assert [suppress_value(v, 5) for v in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]
    assert render(None) == "＊" and render(0) == "0" and render(1234) == "1,234"
    assert suppress_rate(50.0, 3, 6, 5) is None and suppress_rate(50.0, 5, 10, 5) == 50.0


def test_one_small_cell_in_a_row_with_its_total_hides_the_next_smallest():
    t = suppress_table([[2, 9, 7, 30]], 5, col_totals=False)
    # 2 is small; 7 is hidden with it so that 48 − 9 − 30 leaves 2 + 7, not 2
    assert t.cells == [[None, 9, None, 30]] and t.row_totals == [48]


def test_a_cross_table_cannot_be_differenced_back_by_hand():
    # 圏域 × 年齢層; one small cell (3) in the north row
    values = [[3, 12, 20],
              [8, 15, 25],
              [10, 11, 30]]
    t = suppress_table(values, 5)
    assert t.cells[0][0] is None
    assert not _recoverable(t, 3, 3)
    # the grand total and every total that can be shown safely is printed
    assert t.total == 134


def test_a_small_cell_whose_line_has_only_zeros_hides_the_line_total():
    t = suppress_table([[0, 2, 0]], 5, col_totals=False)
    assert t.cells == [[0, None, 0]] and t.row_totals == [None]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.integers(1, 5).flatmap(
    lambda m: st.lists(st.lists(st.integers(0, 12), min_size=m, max_size=m),
                       min_size=n, max_size=n))))
def test_no_random_table_leaves_a_line_with_one_unknown(values):
    n, m = len(values), len(values[0])
    t = suppress_table(values, 5)
    assert not _recoverable(t, n, m)
    for i in range(n):
        for j in range(m):
            shown = t.cells[i][j]
            assert shown is None or shown == values[i][j]
            if 0 < values[i][j] < 5:
                assert shown is None
