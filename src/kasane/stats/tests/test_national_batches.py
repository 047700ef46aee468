"""The national report evaluates its cells by metric family (``core.metrics.evaluate_many`` and
the cases/meetings batches): the same figures and reasons as each metric alone, in a bounded
number of queries — one pass per family, not one query per cell."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kasane.cases.metric_batches import CASE_RULES
from kasane.core import metrics
from kasane.core.metrics import Period
from kasane.stats import national

from . import world

pytestmark = pytest.mark.django_db

FAMILY_QUERIES = 9
"""P0-1, P0-2 (one UNION), referrals, and one pass each for contacts (with outreach), cases,
plans, closures, and meetings (held, cases)."""


def _work(captured: CaptureQueriesContext) -> list[str]:
    """The statements that read records (not the savepoints of a test's transaction)."""
    return [q["sql"] for q in captured.captured_queries
            if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_the_report_cells_take_one_query_per_family_and_give_the_same_figures(city):
    world.build(city)
    period = Period.fiscal(world.FY)
    asked = [(c.metric, c.filters) for c in national.template_for(world.FY)
             if c.code < "P4" and not c.manual]
    with CaptureQueriesContext(connection) as batched:
        together = metrics.evaluate_many(asked, municipality=city.municipality, period=period)
    with CaptureQueriesContext(connection) as single:
        alone = [metrics.evaluate_period(key, municipality=city.municipality, period=period, **f)
                 for key, f in asked]
    assert together == alone
    assert all(f.ok for f in together)
    assert len(_work(batched)) <= FAMILY_QUERIES < len(asked)
    assert len(_work(single)) >= 3 * len(_work(batched))


def test_the_whole_report_stays_bounded(city):
    world.build(city)
    later = [c for c in national.template_for(world.FY) if c.code >= "P4"]
    with CaptureQueriesContext(connection) as report:
        figures = national.national_report(city.municipality, world.FY)
    assert {f["code"]: f["value"] for f in figures if f["code"] in world.EXPECTED} == world.EXPECTED
    # + SET LOCAL jit (PostgreSQL) + the typed cells (one query); P4/P5 belong to other apps'
    # metrics: at most two a cell
    assert len(_work(report)) <= FAMILY_QUERIES + 2 + 2 * len(later)


@pytest.mark.parametrize("key", sorted({*CASE_RULES, "contacts.count", "contacts.persons",
                                        "outreach.connected_persons", "plans.approved",
                                        "closures.count"}))
def test_a_batch_gives_each_filter_combination_what_the_metric_alone_gives(city, key):
    world.build(city)
    period = Period.fiscal(world.FY)
    metric = metrics.get(key)
    org = str(city.orgs["city"].pk)
    combos: list[dict[str, str]] = [{}, {"tag": "multi_agency"}, {"tag": "outreach"},
                                    {"organization": org}, {"age_band": "65-74"},
                                    {"age_band": "0-17", "tag": "comprehensive"},
                                    {"organization": str(city.orgs["shakyo"].pk)}]
    extra = {"reached": ("yes", "no"), "revision": ("first", "later"),
             "watch": ("yes", "no"), "reason": ("goal_met", "moved")}
    for name, values in extra.items():
        if name in metric.filters:
            combos += [{name: v} for v in values] + [{name: values[0], "tag": "multi_agency"}]
    asked = [(key, f) for f in combos]
    together = metrics.evaluate_many(asked, municipality=city.municipality, period=period)
    alone = [metrics.evaluate_period(key, municipality=city.municipality, period=period, **f)
             for f in combos]
    assert together == alone
    assert all(f.ok for f in together)
    assert len({f.value for f in together}) > 1, "the combinations must tell figures apart"


def test_a_bad_filter_value_gives_its_reason_and_the_others_their_figures(city):
    world.build(city)
    period = Period.fiscal(world.FY)
    asked = [("contacts.count", {"tag": "comprehensive", "reached": "yes"}),
             ("contacts.count", {"tag": "nope"}),
             ("contacts.persons", {"reached": "maybe"}),
             ("contacts.count", {"watch": "yes"}),  # a closures filter
             ("closures.count", {"tag": "multi_agency", "reason": "goal_met"}),
             ("closures.count", {"tag": "multi_agency", "watch": "yes"})]
    figures = metrics.evaluate_many(asked, municipality=city.municipality, period=period)
    assert [f.value for f in figures] == [world.EXPECTED["P1-1"], None, None, None,
                                          world.EXPECTED["P2-5-goal_met"],
                                          world.EXPECTED["P2-5-watch"]]
    assert "事業「nope」はありません" in figures[1].reason
    assert "reached は yes" in figures[2].reason
    assert "使えない条件" in figures[3].reason


def test_meeting_figures_of_a_month_keep_their_reason(city):
    world.build(city)
    month = Period.month(2024, 6)
    asked = [("meetings.support_meeting.held", {}), ("meetings.support_meeting.cases", {})]
    figures = metrics.evaluate_many(asked, municipality=city.municipality, period=month)
    assert [f.reason for f in figures] == ["この指標は年度単位でだけ算出できます。"] * 2
