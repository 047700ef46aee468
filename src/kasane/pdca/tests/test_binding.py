"""A target bound to a registry metric (spec/reporting.md A.1, D): its result is set from the
metric, so the grade follows the records — until the 年度 is published; typing over it is an
override with a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kasane.cases.models import Case, Contact
from kasane.pdca import services
from kasane.pdca.models import AnnualTarget, CycleState, ResultSource
from kasane.pdca.report import build_plan

from .conftest import set_state

pytestmark = pytest.mark.django_db


def _grade(pdca, code="1-1-2"):
    data = build_plan(pdca.plan, 2024)
    return next(g for g in data["graded"] if g["code"] == code)


def _visit(city, case, day):
    return Contact.objects.create(
        case=case, at=dt.datetime(2024, 5, day, 10, tzinfo=timezone.get_current_timezone()),
        method="visit", reached=True, summary="訪問", tags=["outreach"],
        author=city.coordinator, organization=city.orgs["city"])


@pytest.fixture
def bound(pdca, city):
    """②-a 見守り訪問: 指標 = reached outreach contacts; target 2024: ≥ 2 visits."""
    pdca.c.indicator_metric = "contacts.count"
    pdca.c.indicator_filters = {"tag": "outreach", "reached": "yes"}
    pdca.c.save()
    AnnualTarget.objects.filter(pk=pdca.t_c.pk).update(
        kind="numeric", target_value=2, unit_label="回", achieved=None,
        result_source=ResultSource.METRIC)
    pdca.case = Case.objects.create(municipality=city.municipality, tags=["outreach"],
                                    summary="見守り", lead_org=city.orgs["city"],
                                    opened_by=city.coordinator, opened_org=city.orgs["city"])
    return pdca


def test_the_grade_follows_the_records_until_the_edition_is_published(bound, city):
    # ② = own target (bound, 0 visits → 未達成) + 再掲 ①-a (1 of 2) → 1/3 → C
    assert (_grade(bound)["achieved"], _grade(bound)["computed"]) == (1, "C")
    _visit(city, bound.case, 1)
    assert _grade(bound)["computed"] == "C"  # 1 visit < 2
    second = _visit(city, bound.case, 2)
    assert (_grade(bound)["achieved"], _grade(bound)["computed"]) == (2, "B")  # 2/3
    row = next(r for r in build_plan(bound.plan, 2024)["rows"] if r["code"] == "1-1-2-a")
    assert row["targets"][0]["actual"] == "2" and row["targets"][0]["source_label"] == \
        "統計から（contacts.count）"

    set_state(bound.cycle, CycleState.COUNCIL_2)
    services.cycle_transition(actor=bound.m_secretariat, cycle=bound.cycle,
                              to_state=CycleState.PUBLISHED)
    edition = bound.cycle.editions.get()
    frozen = next(g for p in edition.snapshot["plans"] for g in p["graded"] if g["code"] == "1-1-2")
    assert frozen["computed"] == "B"
    target = AnnualTarget.objects.get(pk=bound.t_c.pk)
    assert (target.actual_value, target.achieved) == (Decimal(2), True)

    second.delete()  # a record changes after publication: the published grade does not
    assert _grade(bound)["computed"] == "B"
    assert AnnualTarget.objects.get(pk=bound.t_c.pk).actual_value == Decimal(2)


def test_each_transition_writes_the_metric_result_to_the_target(bound, city):
    _visit(city, bound.case, 1)
    _visit(city, bound.case, 2)
    set_state(bound.cycle, CycleState.SECRETARIAT_REVIEW)
    AnnualTarget.objects.filter(pk=bound.t_b.pk).update(achieved=True)  # no other gap
    services.cycle_transition(actor=bound.m_secretariat, cycle=bound.cycle,
                              to_state=CycleState.COMMITTEE_1)
    target = AnnualTarget.objects.get(pk=bound.t_c.pk)
    assert (target.actual_value, target.achieved) == (Decimal(2), True)
    assert target.result_note == "統計から（contacts.count）"


def test_typing_over_a_bound_result_needs_a_reason_and_becomes_manual(bound):
    target = AnnualTarget.objects.get(pk=bound.t_c.pk)
    with pytest.raises(ValidationError, match="理由を入力"):
        services.target_record_result(actor=bound.m_tantou, target=target, achieved=None,
                                      actual_value=Decimal(5))
    services.target_record_result(actor=bound.m_tantou, target=target, achieved=None,
                                  actual_value=Decimal(5), note="訪問の一部が記録外（紙の日報）")
    target.refresh_from_db()
    assert target.result_source == ResultSource.MANUAL and target.achieved is True
    assert _grade(bound)["computed"] == "B"  # the override stands; the metric (0) is not used
