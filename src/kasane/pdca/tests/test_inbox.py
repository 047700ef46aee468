"""Home inbox: a 担当課 user's 自己評価 tasks (businesses of their unit with gaps)."""

import pytest
from django.urls import reverse

from kasane.pdca.inbox import self_evaluation_tasks
from kasane.pdca.models import AnnualTarget, PdcaCycle, ProgressPair, SheetScope
from kasane.pdca.report import build_report
from kasane.pdca.selectors import unit_businesses, unit_gaps

from .conftest import set_state


@pytest.mark.django_db
def test_it_lists_the_units_businesses_with_open_targets_or_no_do(pdca, city) -> None:
    section = self_evaluation_tasks(pdca.tantou, pdca.m_tantou)
    assert section is not None
    rows = [(item["url"], item["note"]) for item in section.items]
    url = lambda node: reverse("pdca:business", args=[pdca.cycle.pk, node.pk])  # noqa: E731
    assert rows == [(url(pdca.b), "実績未入力 1件・Do 未記入"), (url(pdca.c), "Do 未記入")]
    assert all(item["label"].startswith("令和6年度 地福 ") for item in section.items)
    assert self_evaluation_tasks(city.auditor, city.auditor.memberships.get()) is None
    set_state(pdca.cycle, "preparing")
    assert self_evaluation_tasks(pdca.tantou, pdca.m_tantou) is None


def from_report(cycle: PdcaCycle, unit_id: int) -> list[tuple[int, str, int, bool]]:
    report = build_report(cycle, live=False)
    return [(b["node_id"], b["plan_name"], b["open"], b["no_do"])
            for b in unit_businesses(report, unit_id)]


def from_gaps(cycle: PdcaCycle, unit_id: int) -> list[tuple[int, str, int, bool]]:
    return [(b["node"].pk, b["plan_name"], b["open"], b["no_do"])
            for b in unit_gaps(cycle, unit_id)]


@pytest.mark.django_db
@pytest.mark.parametrize("scope", [SheetScope.ALL, SheetScope.PRIORITY])
def test_the_database_gaps_are_the_reports_business_rows(pdca, scope) -> None:
    """The inbox's query answers what the built report's rows say, for both sheet scopes,
    after a Do is written, a target withdrawn and another given a result."""
    pdca.plan.sheet_scope = scope
    pdca.plan.save(update_fields=["sheet_scope"])
    ProgressPair.objects.create(business=pdca.b, fiscal_year=2024, do_text="")
    for step in range(3):
        for unit in (pdca.kourei, pdca.kyousei):
            assert from_gaps(pdca.cycle, unit.pk) == from_report(pdca.cycle, unit.pk)
        if step == 0:
            ProgressPair.objects.create(business=pdca.c, fiscal_year=2024, do_text="訪問した。")
            AnnualTarget.objects.filter(pk=pdca.t_b.pk).update(withdrawn=True)
        elif step == 1:
            AnnualTarget.objects.filter(pk=pdca.t_a2.pk).update(achieved=None)
    assert any(from_gaps(pdca.cycle, u.pk) for u in (pdca.kourei, pdca.kyousei))  # saw rows
