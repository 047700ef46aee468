"""The report builder: grades per graded node, both kinds of 再掲, 0 targets, scope, ids."""

import pytest

from kasane.pdca.models import AnnualTarget, Evaluation, SheetScope
from kasane.pdca.paginate import paginate
from kasane.pdca.report import build_plan


def _graded(plan_data, code):
    return next(g for g in plan_data["graded"] if g["code"] == code)


@pytest.mark.django_db
def test_it_counts_a_cross_listed_business_under_every_node_where_it_is_listed(pdca) -> None:
    data = build_plan(pdca.plan, 2024, live=False)
    g1, g2 = _graded(data, "1-1-1"), _graded(data, "1-1-2")
    assert (g1["achieved"], g1["counted"], g1["open"]) == (1, 3, 1)
    assert g1["computed"] == "C"  # 33.3%
    # ② = its own a (1/1) + the 再掲 of ①-a (1/2) → 2/3 → B
    assert (g2["achieved"], g2["counted"], g2["computed"]) == (2, 3, "B")
    # plan-wide totals count the cross-listed business once
    assert data["totals"] == {"businesses": 3, "targets": 4}
    repost_row = next(r for r in data["rows"] if r["code"] == "1-1-2-b")
    assert repost_row["title"] == "福祉カレッジ" and repost_row["repost_of"] == pdca.a.pk


@pytest.mark.django_db
def test_it_shows_no_grade_and_lists_a_node_without_targets_as_excluded(pdca) -> None:
    AnnualTarget.objects.filter(business=pdca.c).update(withdrawn=True, withdrawn_reason="中止")
    pdca.repost.delete()
    data = build_plan(pdca.plan, 2024, live=False)
    g2 = _graded(data, "1-1-2")
    assert g2["computed"] is None and g2["final"] is None and g2["percent"] == "—"
    assert data["excluded"]["count"] == 1
    assert data["total"] == 2 and sum(s["count"] for s in data["summary"]) == 1


@pytest.mark.django_db
def test_it_keeps_computed_and_final_grade_of_an_override(pdca) -> None:
    Evaluation.objects.create(node=pdca.g1, fiscal_year=2024, override_grade="B",
                              override_reason="委員会の審議による")
    g1 = _graded(build_plan(pdca.plan, 2024, live=False), "1-1-1")
    assert (g1["computed"], g1["final"], g1["overridden"]) == ("C", "B", True)
    assert g1["override_reason"] == "委員会の審議による"


@pytest.mark.django_db
def test_it_builds_node_ids_with_full_width_dashes(pdca) -> None:
    data = build_plan(pdca.plan, 2024, live=False)
    assert [g["ref"] for g in data["graded"]] == ["1－(1)－①", "1－(1)－②"]
    pdca.g2.delete()
    data = build_plan(pdca.plan, 2024, live=False)
    assert [g["ref"] for g in data["graded"]] == ["1－(1)"]  # only graded node of its 大


@pytest.mark.django_db
def test_it_limits_the_sheet_to_priority_new_or_expanded_businesses(pdca) -> None:
    pdca.plan.sheet_scope = SheetScope.PRIORITY
    pdca.plan.save()
    data = build_plan(pdca.plan, 2024, live=False)
    assert [g["code"] for g in data["graded"]] == ["1-1-1"]
    codes = [r["code"] for r in data["rows"]]
    assert "1-1-1-a" in codes and "1-1-1-b" not in codes and "1-1-2" not in codes
    g1 = _graded(data, "1-1-1")
    assert (g1["achieved"], g1["counted"]) == (1, 2)  # graded over the printed businesses


@pytest.mark.django_db
def test_it_uses_only_the_report_year_with_a_single_year_window(pdca) -> None:
    AnnualTarget.objects.create(business=pdca.a, fiscal_year=2023, text="開講", achieved=True)
    assert _graded(build_plan(pdca.plan, 2024, live=False), "1-1-1")["counted"] == 4
    pdca.plan.target_window = "single_year"
    pdca.plan.save()
    assert _graded(build_plan(pdca.plan, 2024, live=False), "1-1-1")["counted"] == 3


@pytest.mark.django_db
def test_it_repeats_context_rows_as_saikei_on_a_continuation_page(pdca) -> None:
    from kasane.pdca.models import ProgressPair

    for i in range(12):
        ProgressPair.objects.create(business=pdca.a, fiscal_year=2024, order=i + 1,
                                    do_text="長い記述。" * 40, act_text="課題。" * 30)
    data = build_plan(pdca.plan, 2024, live=False)
    pages = paginate(data)
    assert len(pages) >= 2
    second = pages[1]
    assert [i["type"] for i in second[:3]] == ["context", "context", "graded"]
    assert all(i["repeat"] for i in second[:3])
    assert second[3]["type"] == "business" and second[3]["continued"] is True
    # a pair never splits: every pair is printed exactly once
    printed = [p["do"] for page in pages for i in page if i["type"] == "business"
               for p in i["pairs"] if i["row"]["code"] == "1-1-1-a"]
    assert len(printed) == 13


@pytest.mark.django_db
def test_a_cross_listed_row_keeps_its_own_pages_and_units(pdca) -> None:
    """Issue 20 #3: values typed on the citing row are printed, not the source's."""
    pdca.repost.plan_pages = "40"
    pdca.repost.save()
    pdca.repost.units.set([pdca.kourei])
    pdca.a.plan_pages = "24"
    pdca.a.save()
    data = build_plan(pdca.plan, 2024, live=False)
    row = next(r for r in data["rows"] if r["code"] == "1-1-2-b")
    assert (row["pages"], row["units"]) == (["40"], ["高"])
    source = next(r for r in data["rows"] if r["code"] == "1-1-1-a")
    assert (source["pages"], source["units"]) == (["24"], ["共"])


@pytest.mark.django_db
def test_the_reference_points_at_the_do_act_pair_of_the_rows_own_unit(pdca) -> None:
    """Issue 20 #3: 「詳細はP.n参照」 targets the exact Do/Act pair, not the business."""
    from kasane.pdca.models import ProgressPair

    pdca.a.units.add(pdca.kourei)
    second = ProgressPair.objects.create(business=pdca.a, fiscal_year=2024, order=1,
                                         unit=pdca.kourei, do_text="高齢の記録", act_text="")
    pdca.repost.units.set([pdca.kourei])
    data = build_plan(pdca.plan, 2024, live=False)
    row = next(r for r in data["rows"] if r["code"] == "1-1-2-b")
    assert row["repost_anchor"] == f"p{second.pk}"


@pytest.mark.django_db
def test_graded_items_carry_the_printed_display_code(pdca) -> None:
    """Issue 20 #8: 1－(1)－① beside the internal 1-1-1."""
    data = build_plan(pdca.plan, 2024, live=False)
    assert [g["display_code"] for g in data["graded"]] == ["1－(1)－①", "1－(1)－②"]


@pytest.mark.django_db
def test_a_plan_scale_changes_grades_and_the_summary_rows(pdca) -> None:
    """Issue 20: the plan's own scale (default A–D when empty)."""
    pdca.plan.grade_scale = [["A", "順調", 30], ["B", "遅れ", 0]]
    pdca.plan.save()
    data = build_plan(pdca.plan, 2024, live=False)
    assert [g["computed"] for g in data["graded"]] == ["A", "A"]  # 1/3 and 2/3 ≥ 30%
    assert [s["grade"] for s in data["summary"]] == ["A", "B"]
    assert data["summary"][0]["criterion"].startswith("当該施策に係る事業の当該年度までの年次目標の30%以上")
