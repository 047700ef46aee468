"""Grading rules of spec/reporting.md A.2 — pure functions, no database.

rate r = achieved ÷ counted (withdrawn targets are not counted). Comparisons use exact
fractions; the percentage is rounded half-up to one decimal for display only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

# (grade, label, lower bound in percent) — lower bounds inclusive, upper bounds exclusive.
DEFAULT_SCALE: tuple[tuple[str, str, int], ...] = (
    ("A", "進捗している", 70),
    ("B", "現状維持", 40),
    ("C", "あまり進捗していない", 20),
    ("D", "全く進捗していない", 0),
)


class ScaleError(ValueError):
    """A grade scale that cannot be used; ``str()`` is the Japanese reason."""


def scale_from(rows: list[Any]) -> tuple[tuple[str, str, int], ...]:
    """A plan's scale from JSON ``[[grade, label, low], …]`` or ``[{"grade", "label", "low"}]``:
    at least two grades, unique, lower bounds strictly decreasing from ≤100 down to 0."""
    out: list[tuple[str, str, int]] = []
    for row in rows:
        if isinstance(row, dict):
            row = [row.get("grade"), row.get("label"), row.get("low")]
        try:
            grade, label, low = str(row[0]).strip(), str(row[1]).strip(), int(row[2])
        except (TypeError, ValueError, IndexError):
            raise ScaleError("評価の段階は「記号|名称|下限%」の形で入力してください。") from None
        if not grade or len(grade) > 2:
            raise ScaleError("評価の記号は1〜2文字にしてください（例: A）。")
        out.append((grade, label, low))
    if len(out) < 2:
        raise ScaleError("評価の段階は2つ以上にしてください。")
    if len({g for g, _, _ in out}) != len(out):
        raise ScaleError("評価の記号が重複しています。")
    lows = [low for _, _, low in out]
    if lows[-1] != 0 or lows[0] > 100 or any(a <= b for a, b in zip(lows, lows[1:], strict=False)):
        raise ScaleError("下限%は上の段階から大きい順にし、最後の段階は0にしてください。")
    return tuple(out)


def criterion_text(grade: str, scale: tuple[tuple[str, str, int], ...] = DEFAULT_SCALE) -> str:
    """評価総括表 criterion: 「…年次目標の70%以上を達成できた・・・A」."""
    bounds = {g: low for g, _, low in scale}
    order = [g for g, _, _ in scale]
    i = order.index(grade)
    low = bounds[grade]
    upper = f"{bounds[order[i - 1]]}%未満" if i > 0 else ""
    return f"当該施策に係る事業の当該年度までの年次目標の{low}%以上{upper}を達成できた・・・{grade}"


def grade_for(achieved: int, counted: int,
              scale: tuple[tuple[str, str, int], ...] = DEFAULT_SCALE) -> str | None:
    """The grade for ``achieved`` of ``counted`` targets, or None when nothing is counted."""
    if achieved < 0 or counted < 0:
        raise ValueError("counts must not be negative")
    if achieved > counted:
        raise ValueError(f"達成数（{achieved}）が目標数（{counted}）を超えています。")
    if counted == 0:
        return None
    rate = Fraction(achieved, counted)
    for grade, _, low in scale:
        if rate >= Fraction(low, 100):
            return grade
    return scale[-1][0]


def percent_label(achieved: int, counted: int) -> str:
    """66.7% — rounded half-up to one decimal, for reading only ("—" without targets)."""
    if counted == 0:
        return "—"
    value = (Decimal(achieved) * 100 / Decimal(counted)).quantize(Decimal("0.1"),
                                                                  rounding=ROUND_HALF_UP)
    return f"{value}%"


@dataclass(frozen=True)
class TargetFact:
    """What grading needs to know about one target."""

    fiscal_year: int
    withdrawn: bool
    achieved: bool | None


def in_window(fiscal_year: int, *, report_year: int, plan_first_year: int,
              window: str) -> bool:
    if window == "single_year":
        return fiscal_year == report_year
    return plan_first_year <= fiscal_year <= report_year


def count_targets(facts: list[TargetFact], *, report_year: int, plan_first_year: int,
                  window: str) -> tuple[int, int, int]:
    """(achieved, counted, open) over the targets inside the window; withdrawn ones are out,
    open (未入力) ones are counted as not achieved but reported so the workflow can block."""
    achieved = counted = open_ = 0
    for fact in facts:
        if fact.withdrawn or not in_window(fact.fiscal_year, report_year=report_year,
                                           plan_first_year=plan_first_year, window=window):
            continue
        counted += 1
        if fact.achieved is True:
            achieved += 1
        elif fact.achieved is None:
            open_ += 1
    return achieved, counted, open_
