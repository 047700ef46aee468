"""Grading rules (spec/reporting.md A.2) at every boundary — no database."""

import pytest

from kasane.pdca.grading import (
    TargetFact,
    count_targets,
    criterion_text,
    grade_for,
    percent_label,
)


@pytest.mark.parametrize(("achieved", "counted", "grade"), [
    (7, 10, "A"),    # exactly 70% → A (lower bound inclusive)
    (69, 100, "B"),  # just below 70%
    (10, 10, "A"),
    (2, 3, "B"),     # 66.7% → B (never rounded up to 70)
    (4, 10, "B"),    # exactly 40%
    (39, 100, "C"),
    (2, 5, "B"),
    (1, 5, "C"),     # exactly 20%
    (19, 100, "D"),
    (1, 3, "C"),     # 33.3%
    (0, 1, "D"),     # 0% → D
    (699, 1000, "B"),  # 69.9% stays B even though it rounds to 70.0 for display
    (1999, 10000, "D"),  # 19.99%
])
def test_it_grades_by_exact_fractions(achieved: int, counted: int, grade: str) -> None:
    assert grade_for(achieved, counted) == grade


def test_it_gives_no_grade_without_counted_targets() -> None:
    assert grade_for(0, 0) is None
    assert percent_label(0, 0) == "—"


def test_it_refuses_more_achieved_than_counted() -> None:
    with pytest.raises(ValueError, match="達成数（4）が目標数（3）を超えています"):
        grade_for(4, 3)


@pytest.mark.parametrize(("achieved", "counted", "label"), [
    (2, 3, "66.7%"), (1, 3, "33.3%"), (1, 8, "12.5%"), (1, 16, "6.3%"), (699, 1000, "69.9%"),
    (6995, 10000, "70.0%"),  # half-up, display only
])
def test_it_rounds_the_percentage_half_up_for_display(achieved: int, counted: int,
                                                      label: str) -> None:
    assert percent_label(achieved, counted) == label


def test_it_rounds_display_but_not_the_grade() -> None:
    assert percent_label(6995, 10000) == "70.0%"
    assert grade_for(6995, 10000) == "B"


WORKED = [  # 施策 2-(1)-① of the spec's worked example (plan from 令和5年度)
    TargetFact(2023, False, True),   # a R5 新規1か所 → 達成
    TargetFact(2024, False, True),   # a R6 新規2か所 (3) → 達成
    TargetFact(2024, False, False),  # b R6 年2回 (1) → 未達成
    TargetFact(2023, False, True),   # c R5 作成 → 達成
    TargetFact(2024, False, False),  # c R6 更新 → 未達成
]


def test_it_counts_the_worked_example_cumulatively_as_b() -> None:
    achieved, counted, _ = count_targets(WORKED, report_year=2024, plan_first_year=2023,
                                         window="cumulative")
    assert (achieved, counted) == (3, 5)
    assert grade_for(achieved, counted) == "B"


def test_it_counts_the_worked_example_single_year_as_c() -> None:
    achieved, counted, _ = count_targets(WORKED, report_year=2024, plan_first_year=2023,
                                         window="single_year")
    assert (achieved, counted) == (1, 3)
    assert grade_for(achieved, counted) == "C"


def test_it_leaves_out_withdrawn_and_future_targets_and_reports_open_ones() -> None:
    facts = [TargetFact(2024, True, None), TargetFact(2025, False, True),
             TargetFact(2024, False, None), TargetFact(2022, False, True)]
    achieved, counted, open_ = count_targets(facts, report_year=2024, plan_first_year=2023,
                                             window="cumulative")
    assert (achieved, counted, open_) == (0, 1, 1)


def test_it_grades_a_single_business_on_its_yearly_targets() -> None:
    facts = [TargetFact(2023, False, True), TargetFact(2024, False, False),
             TargetFact(2025, False, False)]
    assert grade_for(*count_targets(facts, report_year=2025, plan_first_year=2023,
                                    window="cumulative")[:2]) == "C"


def test_it_prints_the_criteria_of_the_summary_table() -> None:
    assert criterion_text("A") == "当該施策に係る事業の当該年度までの年次目標の70%以上を達成できた・・・A"
    assert "40%以上70%未満" in criterion_text("B")
    assert "0%以上20%未満" in criterion_text("D")


def test_a_plan_scale_is_read_and_checked() -> None:
    """Issue 20: grade scale per plan (labels, thresholds)."""
    from kasane.pdca.grading import ScaleError, grade_for, scale_from

    scale = scale_from([["◎", "順調", "80"], ["○", "おおむね順調", 50], ["△", "遅れ", 0]])
    assert grade_for(4, 5, scale) == "◎" and grade_for(1, 2, scale) == "○"
    assert grade_for(0, 3, scale) == "△"
    for bad in ([["A", "x", 0]], [["A", "x", 40], ["B", "y", 50], ["C", "z", 0]],
                [["A", "x", 50], ["B", "y", 10]], [["A", "x", "abc"], ["B", "y", 0]]):
        with pytest.raises(ScaleError):
            scale_from(bad)
