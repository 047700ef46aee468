"""Outcome indicators (spec/reporting.md D) on the hand-made records of ``world.py``; each
expected value is worked out by hand in the comment beside it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kasane.core import metrics
from kasane.core.metrics import Period

from . import world

pytestmark = pytest.mark.django_db


def _value(city, key, **filters):
    return metrics.get(key).compute_period(city.municipality, Period.fiscal(2024), **filters)


def test_outcome_indicators_match_the_hand_count(city):
    world.build(city)
    # handled: C1 C2 C3 C4 C6 C7 C8 (C5 closed before, C9 later); 終結: C6 → 1/7
    assert _value(city, "cases.closed_rate") == Decimal("14.3")
    # 多機関協働: C1 C4 C6 C7; 終結 C6 (C7 is 見守り継続, not 終結) → 1/4
    assert _value(city, "cases.closed_rate", tag="multi_agency") == Decimal("25.0")
    # 多機関協働 open on 31 March: C1 (plan approved only in April 2025), C4 (PL1) → 1/2
    assert _value(city, "plans.coverage") == Decimal("50.0")
    # outreach persons E, I, J; reached in the year: E → 1/3
    assert _value(city, "outreach.reach_rate") == Decimal("33.3")
    # no contact carries a 信頼関係 stage: 0 of E, I, J
    assert _value(city, "outreach.relation_rate") == Decimal("0.0")
    # day 90 inside the year: C1 C2 C6 C8; none had a plan approved within 90 days
    assert _value(city, "cases.direction_rate") == Decimal("0.0")
    # closed in 2023 (not 見守り): C5 → F; F has no later case → 0/1
    assert _value(city, "cases.recontact_rate") == Decimal("0.0")
    # C1: K1 at the 受付 time (0 days); C2: 00:05 1 April 2024 → K3 23:30 31 March 2025
    days = _value(city, "cases.first_contact_days", tag="comprehensive")
    assert days == round((0 + (364 + (23 * 60 + 25) / 1440)) / 2, 1) == 182.5


def test_a_rate_with_no_denominator_gives_a_reason_not_zero(city):
    figure = metrics.evaluate_period("cases.closed_rate", municipality=city.municipality,
                                     period=Period.fiscal(2024))
    assert figure.value is None and figure.reason == "期間内に取り扱ったケースがありません。"
