"""The 圏域 (area) and 課題の分類 (problem) filters of the case metrics, on hand-made records
with the expected numbers written by hand.

Areas: 01 北部 covers 「重ね市北町」, 02 中部 covers 「重ね市本町1」 (丁目), 03 covers 「重ね市本町12」
(longer prefix, and 「本町1」 must not take 「本町12-3」 by cutting 12 in two).

Cases of 令和6年度 (fiscal 2024), primary subject's address → area, problems:
  A 重ね市北町3-1      → 01  ◎income ○debt        contacts: 2 reached, 1 not
  B 重ね市本町一丁目4-5 → 02  ◎care                contacts: 1 reached
  C 重ね市本町12-3     → 03  ○care ◎mental        (second subject X lives in 北町: not counted)
  D 西町9 (no row)     → 未設定 (no problems)
  E 重ね市北町1        → 01  ◎care, opened in the previous 年度 (not opened, but handled)
"""

from __future__ import annotations

import pytest

from kasane.core import metrics
from kasane.core.metrics import Period

from . import breakdown_world

FY = Period.fiscal(2024)


@pytest.fixture
def world(city):
    breakdown_world.build(city)
    return city


def _value(city, key, **filters):
    figure = metrics.evaluate_period(key, municipality=city.municipality, period=FY, **filters)
    assert figure.ok, figure.reason
    return figure.value


@pytest.mark.django_db
def test_cases_opened_by_area_follow_the_longest_prefix(world) -> None:
    assert _value(world, "cases.opened") == 4                       # A B C D
    assert _value(world, "cases.opened", area="01") == 1             # A (C's 2nd subject: no)
    assert _value(world, "cases.opened", area="02") == 1             # B
    assert _value(world, "cases.opened", area="03") == 1             # C: 本町12, not 本町1
    assert _value(world, "cases.opened", area="unset") == 1          # D
    assert _value(world, "cases.handled", area="01") == 2            # A, E (opened 2023)
    assert _value(world, "cases.opened", area="99") == 0


@pytest.mark.django_db
def test_cases_by_problem_count_marks_and_main_separately(world) -> None:
    assert _value(world, "cases.opened", problem="care") == 2                # B, C (○)
    assert _value(world, "cases.opened", problem="care", main="yes") == 1    # B (◎)
    assert _value(world, "cases.handled", problem="care", main="yes") == 2   # B, E
    assert _value(world, "cases.opened", problem="debt") == 1                # A
    assert _value(world, "cases.opened", problem="debt", main="yes") == 0
    assert _value(world, "cases.opened", problem="care", area="03") == 1     # C
    assert _value(world, "cases.persons", problem="care") == 4               # handled B, C, E: B0 C0 C1 E0


@pytest.mark.django_db
def test_contacts_and_persons_take_the_same_filters(world) -> None:
    assert _value(world, "contacts.count", area="01") == 3
    assert _value(world, "contacts.count", area="01", reached="yes") == 2
    assert _value(world, "contacts.count", problem="care") == 1              # B's phone call
    assert _value(world, "contacts.persons", problem="income", main="yes") == 1


@pytest.mark.django_db
def test_bad_filters_give_a_reason_not_an_error(world) -> None:
    bad = metrics.evaluate_period("cases.opened", municipality=world.municipality, period=FY,
                                  problem="nothing")
    assert not bad.ok and "課題の分類「nothing」はありません" in bad.reason
    alone = metrics.evaluate_period("cases.opened", municipality=world.municipality, period=FY,
                                    main="yes")
    assert not alone.ok and "problem" in alone.reason


@pytest.mark.django_db
def test_drill_lists_the_cases_behind_an_area_figure(world) -> None:
    metric = metrics.get("cases.opened")
    drilled = metric.drill(world.municipality, FY, area="01")
    assert [c.summary for c in drilled] == ["A"]
