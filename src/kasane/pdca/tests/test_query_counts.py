"""N+1 guards (issue 13): every list and detail page and API list of pdca runs as many
queries with 25 rows as with one (``kasane.core.testing.assert_flat_queries``). Plan nodes
are made like the ``pdca`` fixture makes them (there is no service for them but the import);
results, progress and opinions through the services."""

from __future__ import annotations

import pytest

from kasane.core.testing import assert_flat_queries
from kasane.pdca import services
from kasane.pdca.models import AnnualTarget, CycleState, PdcaCycle, Plan, PlanKind

from .conftest import make_node, set_state

pytestmark = pytest.mark.django_db


class _Businesses:
    """Per row: a business under ① with this year's target (its result recorded), last year's
    target, a progress pair, and an opinion on a graded node of its own."""

    def __init__(self, pdca, city):
        self.pdca, self.city, self.made = pdca, city, []

    def add(self, n):
        p = self.pdca
        for _ in range(n):
            i = len(self.made)
            graded = make_node(p.plan, p.big, f"1-1-{3 + i}", 3 + i, f"施策{i}", order=100 + 3 * i)
            business = make_node(p.plan, graded, f"1-1-{3 + i}-a", 1, f"事業{i}", business=True,
                                 units=[p.kourei, p.kyousei], order=101 + 3 * i, marker="new")
            target = AnnualTarget.objects.create(business=business, fiscal_year=2024,
                                                 text=f"目標{i}", kind="numeric", target_value=3,
                                                 unit_label="回")
            AnnualTarget.objects.create(business=business, fiscal_year=2023, text="前年度",
                                        achieved=True)
            set_state(p.cycle, CycleState.SELF_EVAL)
            services.target_record_result(actor=p.m_secretariat, target=target, achieved=True,
                                          actual_value=3, note="", reason="")
            services.progress_pair_save(actor=p.m_secretariat, business=business,
                                        fiscal_year=2024, unit=p.kourei, do_text=f"実施{i}",
                                        act_text="改善")
            set_state(p.cycle, CycleState.COMMITTEE_1)  # opinions are written here
            services.opinion_add(actor=p.m_iin, node=graded, fiscal_year=2024, text=f"意見{i}")
            self.made.append(business)

    def shown(self, response, n):
        body = response.content.decode()
        assert all(f"事業{i}" in body for i in range(len(self.made)))


def test_the_cycle_sheet_and_plan_pages_run_the_same_queries_for_1_and_25_businesses(pdca, city, client):
    rows = _Businesses(pdca, city)
    client.force_login(city.secretariat)
    assert_flat_queries(rows.add, lambda: client.get(f"/pdca/cycles/{pdca.cycle.pk}/"),
                        label="GET /pdca/cycles/{id}/")
    assert_flat_queries(rows.add, lambda: client.get(
        f"/pdca/cycles/{pdca.cycle.pk}/plans/{pdca.plan.pk}/"),
        label="GET /pdca/cycles/{id}/plans/{id}/", check=rows.shown)
    assert_flat_queries(rows.add, lambda: client.get(f"/pdca/plans/{pdca.plan.pk}/"),
                        label="GET /pdca/plans/{id}/", check=rows.shown)
    assert_flat_queries(rows.add, lambda: client.get(
        f"/api/v1/pdca/plans/{pdca.plan.pk}/summary", {"fiscal_year": 2024}),
        label="GET /api/v1/pdca/plans/{id}/summary",
        check=lambda r, n: r.json()["total"] >= n)
    client.force_login(pdca.tantou)  # a unit's own businesses (「担当課の事業」)
    assert_flat_queries(rows.add, lambda: client.get(f"/pdca/cycles/{pdca.cycle.pk}/"),
                        label="GET /pdca/cycles/{id}/ (unit)", check=rows.shown)


def test_the_business_page_runs_the_same_queries_for_1_and_25_targets_and_pairs(pdca, city, client):
    made = []

    def add(n):
        for _ in range(n):
            i = len(made)
            made.append(AnnualTarget.objects.create(business=pdca.b, fiscal_year=2024 - i % 2,
                                                    text=f"目標{i}", order=10 + i))
            services.progress_pair_save(actor=pdca.m_tantou, business=pdca.b, fiscal_year=2024,
                                        unit=pdca.kourei, do_text=f"実施{i}", act_text="改善")

    client.force_login(pdca.tantou)
    assert_flat_queries(add, lambda: client.get(
        f"/pdca/cycles/{pdca.cycle.pk}/businesses/{pdca.b.pk}/"),
        label="GET /pdca/cycles/{id}/businesses/{id}/",
        check=lambda r, n: all(f"目標{i}" in r.content.decode() for i in range(n)))


def test_the_index_and_the_plans_api_run_the_same_queries_for_1_and_25_plans_and_cycles(pdca, city, client):
    made = []

    def add(n):
        for _ in range(n):
            i = len(made)
            plan = Plan.objects.create(municipality=city.municipality, name=f"計画{i}",
                                       short_name=f"計{i}", kind=PlanKind.COMMUNITY_WELFARE,
                                       first_year=2023, last_year=2027, order=10 + i)
            cycle = PdcaCycle.objects.create(municipality=city.municipality,
                                             fiscal_year=2030 + i, state=CycleState.PREPARING)
            cycle.plans.set([plan, pdca.plan])
            made.append((plan, cycle))

    client.force_login(city.secretariat)
    assert_flat_queries(add, lambda: client.get("/pdca/"), label="GET /pdca/",
                        check=lambda r, n: all(f"/pdca/cycles/{c.pk}/" in r.content.decode()
                                               and f"/pdca/plans/{p.pk}/" in r.content.decode()
                                               for p, c in made))
    assert_flat_queries(add, lambda: client.get("/api/v1/pdca/plans"),
                        label="GET /api/v1/pdca/plans",
                        check=lambda r, n: r.json()["count"] == len(made) + 1)


def test_the_set_up_pages_run_the_same_queries_for_1_and_25_units_plans_and_nodes(pdca, city, client):
    """Issue 20 set-up screens: 担当課 list, 年度を作成 (plan choices), node form (choices)."""
    from kasane.accounts.models import Unit

    made = []

    def add(n):
        for _ in range(n):
            i = len(made)
            unit = Unit.objects.create(municipality=city.municipality, code=chr(0x4E00 + i),
                                       name=f"課{i}", order=10 + i)
            plan = Plan.objects.create(municipality=city.municipality, name=f"計画{i}",
                                       short_name=f"計{i}", kind=PlanKind.COMMUNITY_WELFARE,
                                       first_year=2023, last_year=2027, order=10 + i)
            make_node(plan, None, "1", 1, f"事業{i}", business=True, units=[unit])
            made.append(unit)

    def shown(response, n):
        body = response.content.decode()
        assert all(f"課{i}" in body for i in range(n))

    client.force_login(city.secretariat)
    assert_flat_queries(add, lambda: client.get("/pdca/units/"), label="GET /pdca/units/",
                        check=shown)
    assert_flat_queries(add, lambda: client.get("/pdca/cycles/new/"),
                        label="GET /pdca/cycles/new/",
                        check=lambda r, n: all(f"計画{i}" in r.content.decode() for i in range(n)))
    assert_flat_queries(add, lambda: client.get(f"/pdca/plans/{pdca.plan.pk}/nodes/{pdca.c.pk}/"),
                        label="GET /pdca/plans/{id}/nodes/{id}/", check=shown)
