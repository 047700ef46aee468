"""Small-cell suppression (spec/reporting.md B.5) for anything shown to 委員 or published.

Threshold ``k`` = setting ``KASANE_SUPPRESSION_THRESHOLD`` (default 5): a count 1 … k−1 prints
「＊」; 0 prints 0. **Complementary suppression**: wherever a total is shown, a line (row or
column) must never hold exactly one hidden cell — else total − visible cells gives it back.
So while some line has exactly one hidden cell, the smallest other visible non-zero cell of
that line is hidden too; when the line has none left, its total is hidden. Rates whose
numerator or denominator is 1 … k−1 are hidden. Functions are pure: they take numbers and give
numbers or ``None`` (hidden); templates print ``None`` as 「＊」.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings

MARK = "＊"
FOOTNOTE = ("「＊」は個人が特定されるおそれのある少数（1〜{k_1}）、または合計から逆算できないよう"
            "あわせて伏せた数です。")


def threshold() -> int:
    return int(getattr(settings, "KASANE_SUPPRESSION_THRESHOLD", 5))


def footnote(k: int | None = None) -> str:
    return FOOTNOTE.format(k_1=(k or threshold()) - 1)


def is_small(value: int | float | None, k: int | None = None) -> bool:
    k = threshold() if k is None else k
    return value is not None and 0 < value < k


def suppress_value(value: int | None, k: int | None = None) -> int | None:
    """A single count standing alone (no total printed beside it)."""
    return None if is_small(value, k) else value


def suppress_rate(rate: float | None, numerator: int, denominator: int,
                  k: int | None = None) -> float | None:
    return None if is_small(numerator, k) or is_small(denominator, k) else rate


@dataclass
class Table:
    """A suppressed table: ``cells`` (rows × columns), ``row_totals``, ``col_totals`` and
    ``total``; ``None`` = hidden."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    col_totals: list[int | None]
    total: int | None


def suppress_table(values: Sequence[Sequence[int]], k: int | None = None, *,
                   row_totals: bool = True, col_totals: bool = True) -> Table:
    """Primary plus complementary suppression of a count table whose row and/or column totals
    are printed (a one-row table with ``row_totals`` is a breakdown with its total).

    Works on the table bordered by its totals: every line (a row with its row total, a column
    with its column total, the totals row and column with the grand total) is an equation;
    no printed line may keep exactly one unknown. A total that is not printed is an unknown."""
    k = threshold() if k is None else k
    data = [list(r) for r in values]
    n, m = len(data), (len(data[0]) if data else 0)
    grid = [r + [sum(r)] for r in data]
    grid.append([sum(data[i][j] for i in range(n)) for j in range(m)] + [sum(map(sum, data))])
    unprinted = ({(i, m) for i in range(n + 1)} if not row_totals else set()) | \
        ({(n, j) for j in range(m + 1)} if not col_totals else set())
    hidden = {(i, j) for i in range(n + 1) for j in range(m + 1)
              if is_small(grid[i][j], k)} | unprinted
    lines = [[(i, j) for j in range(m + 1)] for i in range(n + 1)] + \
        [[(i, j) for i in range(n + 1)] for j in range(m + 1)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            changed |= _protect_line(grid, hidden, line, unprinted)
    shown = [[None if (i, j) in hidden else grid[i][j] for j in range(m + 1)]
             for i in range(n + 1)]
    return Table(cells=[r[:m] for r in shown[:n]],
                 row_totals=[r[m] for r in shown[:n]] if row_totals else [],
                 col_totals=shown[n][:m] if col_totals else [],
                 total=shown[n][m] if row_totals or col_totals else None)


def _protect_line(grid: list[list[int]], hidden: set[tuple[int, int]],
                  line: list[tuple[int, int]], unprinted: set[tuple[int, int]]) -> bool:
    """If exactly one entry of ``line`` (cells + its total) is unknown, hide another: the
    smallest non-zero one, else a zero, else nothing left. A line whose one unknown is an
    unprinted total is no equation. True when something changed."""
    unknown = [c for c in line if c in hidden]
    if len(unknown) != 1 or unknown[0] in unprinted:
        return False
    rest = [(grid[i][j] == 0, grid[i][j], (i, j)) for i, j in line if (i, j) not in hidden]
    if not rest:
        return False
    hidden.add(min(rest)[2])
    return True


def render(value: int | float | None) -> str:
    return MARK if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def suppress_lines(values: Mapping[Hashable, int], lines: Sequence[Sequence[Hashable]],
                   k: int | None = None, *,
                   unprinted: frozenset[Hashable] = frozenset(),
                   keep: frozenset[Hashable] = frozenset()) -> dict[Hashable, int | None]:
    """Suppression over any set of printed equations: ``values`` names every printed number
    (cells and totals, possibly of several tables that share totals) and each line is an
    equation *cells …, total* (the total last). Small numbers are hidden, then while a line
    has exactly one hidden entry the smallest other non-zero entry of it (else a zero) is
    hidden too. Used where tables are published side by side (圏域 × 年齢 with the 圏域 and
    年齢層 breakdowns), so that no line of any of them can be differenced back."""
    k = threshold() if k is None else k
    order = {key: i for i, key in enumerate(values)}
    hidden = {key for key, v in values.items() if is_small(v, k)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            unknown = [c for c in line if c in hidden]
            if len(unknown) != 1:
                continue
            rest = [(values[c] == 0, values[c], order[c], c) for c in line
                    if c not in hidden and c not in keep]
            if rest:
                hidden.add(min(rest)[3])
                changed = True
    return {key: None if key in hidden else v for key, v in values.items()
            if key not in unprinted}


def collapse_groups(columns: Sequence[Sequence[int]], k: int | None = None,
                    fixed: Sequence[int] = ()) -> list[list[int]]:
    """Collapse adjacent categories until cells pass (B.5 「集約」): ``columns`` are the counts of
    each category (one list per category, one value per row); while some category holds a
    small non-zero cell, it is merged with its neighbour of smaller total. Categories in
    ``fixed`` (e.g. 不明) are never merged. Returns groups of category indices, in order."""
    k = threshold() if k is None else k
    mergeable = [i for i in range(len(columns)) if i not in fixed]
    groups: list[list[int]] = [[i] for i in mergeable]

    def total(g: list[int]) -> int:
        return sum(sum(columns[i]) for i in g)

    def small(g: list[int]) -> bool:
        rows = len(columns[g[0]]) if g else 0
        return any(is_small(sum(columns[i][r] for i in g), k) for r in range(rows))

    while len(groups) > 1:
        at = next((n for n, g in enumerate(groups) if small(g)), None)
        if at is None:
            break
        neighbours = [n for n in (at - 1, at + 1) if 0 <= n < len(groups)]
        other = min(neighbours, key=lambda n: (total(groups[n]), n))
        a, b = sorted((at, other))
        groups[a:b + 1] = [groups[a] + groups[b]]
    return sorted(groups + [[i] for i in fixed], key=lambda g: g[0])
