"""Dashboard breakdowns of the new cases of a period (issue 19): by 課題の分類 (19 categories,
○ and ◎ counted separately), by 日常生活圏域, and 圏域 × 年齢層 — registered in
``dashboards.CHARTS``. Counts only, no personal data.

For 委員 (B.5) the 年齢層, 圏域 and 圏域 × 年齢層 charts are published side by side and share
their totals (a 圏域's row of the cross table adds up to its bar in the 圏域 chart), so they are
suppressed **together** (``suppression.suppress_lines`` over every line of the three), after
adjacent age bands of the cross table are collapsed until its cells pass
(``suppression.collapse_groups``; 不明 is never merged). No line of any of the three can then be
differenced back to a hidden number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from typing import Any

from django.db.models import OuterRef, Subquery

from kasane.areas.models import AreaKind
from kasane.areas.selectors import areas
from kasane.cases import problems
from kasane.cases.metrics import area_code, cases_opened
from kasane.cases.models import CaseProblem, CaseSubject
from kasane.core.metrics import AGE_BANDS, Period
from kasane.stats.charts import UNKNOWN_BAND, Chart, band_of

from .suppression import collapse_groups, suppress_lines

UNSET = "未設定"
BANDS = [*AGE_BANDS, UNKNOWN_BAND]


def _band_label(band: str) -> str:
    return band if band == UNKNOWN_BAND else f"{band}歳"


def problem_chart(muni: Any, period: Period, *, suppress: bool = False) -> Chart:
    """New cases by 課題の分類: ○ (every category that applies) and ◎ (主訴) separately."""
    opened = cases_opened(muni, period)
    rows = CaseProblem.objects.filter(case__in=opened.values("pk")).values_list("code", "is_main")
    marked: Counter[str] = Counter()
    main: Counter[str] = Counter()
    for code, is_main in rows:
        marked[code] += 1
        main[code] += is_main
    codes = problems.codes()
    missing = opened.exclude(pk__in=CaseProblem.objects.values("case_id")).count()
    counts = [[marked.get(c, 0) for c in codes], [main.get(c, 0) for c in codes]]
    chart = Chart("problem", "新規ケースの課題の分類（19分類、○は重複あり）", "件",
                  [problems.label(c) for c in codes],
                  [("○ 当てはまる", list(counts[0])), ("◎ 主訴", list(counts[1]))],
                  horizontal=True)
    if suppress:
        shown = _suppress_marks(counts[0], counts[1])
        chart.series = [(name, [shown[(kind, j)] for j in range(len(codes))])
                        for kind, (name, _) in zip("mp", chart.series, strict=True)]
        chart.suppressed_totals = [shown[("m", "total")], shown[("p", "total")]]
        chart.note = "分類が未記録の新規ケースは数えていません。"
    else:
        chart.note = f"分類が未記録の新規ケース {missing}件（相談受付票のないケース）。"
    return chart


def _suppress_marks(marked: list[int], main: list[int]) -> dict[Hashable, int | None]:
    """○ and ◎ of each category, suppressed together: ◎ ⊂ ○, so ○ − ◎ (a category marked but
    not the main one) is an unprinted number that must not be derivable when small."""
    values: dict[Hashable, int] = {}
    lines: list[list[Hashable]] = []
    for j, (m, p) in enumerate(zip(marked, main, strict=True)):
        values[("m", j)], values[("p", j)], values[("o", j)] = m, p, m - p
        lines.append([("p", j), ("o", j), ("m", j)])
    for kind, column in (("m", marked), ("p", main),
                         ("o", [m - p for m, p in zip(marked, main, strict=True)])):
        values[(kind, "total")] = sum(column)
        lines.append([(kind, j) for j in range(len(marked))] + [(kind, "total")])
    lines.append([("p", "total"), ("o", "total"), ("m", "total")])
    unprinted = frozenset([("o", j) for j in range(len(marked))] + [("o", "total")])
    return suppress_lines(values, lines, unprinted=unprinted)


def _area_names(muni: Any) -> list[tuple[str | None, str]]:
    return [(a.code, a.name) for a in areas(muni, AreaKind.DAILY_LIFE_AREA)] + [(None, UNSET)]


def cross_counts(muni: Any, period: Period) -> tuple[list[str], list[list[int]]]:
    """(圏域 labels incl. 未設定, counts[圏域][年齢層 incl. 不明]) of the period's new cases —
    one query: each case's 圏域 and its primary subject's birth date."""
    names = _area_names(muni)
    index = {code: i for i, (code, _) in enumerate(names)}
    birth = CaseSubject.objects.filter(case_id=OuterRef("pk"), is_primary=True) \
        .values("person__birth_date")[:1]
    counts = [[0] * len(BANDS) for _ in names]
    for code, born in cases_opened(muni, period).annotate(
            area=area_code(muni), born=Subquery(birth)).values_list("area", "born"):
        counts[index.get(code, len(names) - 1)][BANDS.index(band_of(born, period.end))] += 1
    return [name for _, name in names], counts


def area_breakdown(muni: Any, period: Period) -> Chart:
    return area_chart(*cross_counts(muni, period))


def age_area_breakdown(muni: Any, period: Period) -> Chart:
    return age_area_chart(*cross_counts(muni, period))


def problem_breakdown(muni: Any, period: Period) -> Chart:
    return problem_chart(muni, period)


LINKED = ("age", "area", "age_area")
"""Charts suppressed together for 委員 (they share totals)."""


def for_committee(muni: Any, period: Period, charts: list[Chart]) -> set[str]:
    """The committee's (suppressed) versions of this module's charts among ``charts``, in
    place; returns the keys handled here (the others are suppressed one by one)."""
    keys = {c.key for c in charts}
    done: set[str] = set()
    if "problem" in keys:
        at = next(i for i, c in enumerate(charts) if c.key == "problem")
        charts[at] = problem_chart(muni, period, suppress=True)
        done.add("problem")
    if keys & set(LINKED):
        labels, counts = cross_counts(muni, period)
        age = Chart("age", "", "件", [_band_label(b) for b in BANDS],
                    [("新規ケース", [sum(row[j] for row in counts) for j in range(len(BANDS))])])
        area, cross = area_chart(labels, counts), age_area_chart(labels, counts)
        linked(age, area, cross, counts)
        made = {"age": age, "area": area, "age_area": cross}
        for c in charts:
            if c.key in made:  # keep the chart's own title and labels, take the numbers
                m = made[c.key]
                c.series, c.suppressed_totals = m.series, m.suppressed_totals
                c.note = m.note or c.note
                done.add(c.key)
    return done


def area_chart(labels: list[str], counts: list[list[int]]) -> Chart:
    return Chart("area", "新規ケースの圏域別（主たる本人の住所から）", "件", labels,
                 [("新規ケース", [sum(row) for row in counts])])


def age_area_chart(labels: list[str], counts: list[list[int]]) -> Chart:
    return Chart("age_area", "新規ケースの圏域 × 年齢層", "件", labels,
                 [(_band_label(b), [row[j] for row in counts]) for j, b in enumerate(BANDS)])


def linked(age: Chart, area: Chart, cross: Chart, counts: list[list[int]]) -> None:
    """Suppress the 年齢層, 圏域 and 圏域 × 年齢層 charts together (for 委員), collapsing
    adjacent age bands of the cross table first. Changes the three charts in place."""
    columns = [[row[j] for row in counts] for j in range(len(BANDS))]
    groups = collapse_groups(columns, fixed=[BANDS.index(UNKNOWN_BAND)])
    n = len(counts)
    values: dict[Hashable, int] = {}
    lines: list[list[Hashable]] = []

    def gid(g: list[int]) -> Hashable:  # a one-band group is that band's bar in the age chart
        return ("band", g[0]) if len(g) == 1 else ("group", tuple(g))

    for a in range(n):
        for g in groups:
            values[("x", a, tuple(g))] = sum(counts[a][j] for j in g)
        values[("area", a)] = sum(counts[a])
    for j in range(len(BANDS)):
        values[("band", j)] = sum(columns[j])
    for g in groups:
        values[gid(g)] = sum(sum(columns[j]) for j in g)
    values["total"] = sum(map(sum, counts))
    for a in range(n):  # a 圏域's row of the cross table = its bar in the 圏域 chart
        lines.append([("x", a, tuple(g)) for g in groups] + [("area", a)])
    for g in groups:  # a column (age group) = its total (合計 row of the cross table)
        lines.append([("x", a, tuple(g)) for a in range(n)] + [gid(g)])
        if len(g) > 1:  # a collapsed group = the sum of its bands in the age chart
            lines.append([("band", j) for j in g] + [gid(g)])
    lines.append([("area", a) for a in range(n)] + ["total"])
    lines.append([("band", j) for j in range(len(BANDS))] + ["total"])
    lines.append([gid(g) for g in groups] + ["total"])
    # the year's total of new cases is printed by other charts too: never hidden to protect
    shown = suppress_lines(values, lines, keep=frozenset({"total"}))
    age.series = [(age.series[0][0], [shown[("band", j)] for j in range(len(BANDS))])]
    age.suppressed_totals = [shown["total"]]
    area.series = [(area.series[0][0], [shown[("area", a)] for a in range(n)])]
    area.suppressed_totals = [shown["total"]]
    cross.series = [("・".join(_band_label(BANDS[j]) for j in g),
                     [shown[("x", a, tuple(g))] for a in range(n)]) for g in groups]
    cross.suppressed_totals = [shown[gid(g)] for g in groups]
    if any(len(g) > 1 for g in groups):
        cross.note = "少数の欄が出ないよう、隣り合う年齢層をまとめています。"
