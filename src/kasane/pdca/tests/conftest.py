"""A small plan on top of the root ``city`` fixture.

Plan 「テスト地域福祉計画」 (基本目標 > 大 > 小 > 事業, graded at 小, from 2023):
1 > (1) > ① [graded, 共] > a (共: 2024 achieved + not), b (高: 2024 open)
        > ② [graded]     > a (高: 2024 achieved), b = 再掲 of ①-a
Cycle 2024 in 担当課自己評価. ``tantou`` is a caseworker of the 高 unit; ``iin`` a 委員.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from kasane.accounts.models import Membership, Organization, OrganizationKind, Role, Unit, User
from kasane.pdca.models import (
    AnnualTarget,
    CycleState,
    PdcaCycle,
    Plan,
    PlanKind,
    PlanLevel,
    PlanNode,
    ProgressPair,
)


def make_node(plan: Plan, parent: PlanNode | None, code: str, number: int, title: str,
              *, business: bool = False, units: list[Unit] = (), order: int = 0,  # type: ignore[assignment]
              **kw: Any) -> PlanNode:
    node = PlanNode.objects.create(plan=plan, parent=parent, depth=code.count("-") + 1,
                                   code=code, number=number, title=title, is_business=business,
                                   order=order, **kw)
    node.units.set(units)
    return node


@pytest.fixture
def pdca(city: SimpleNamespace) -> SimpleNamespace:
    muni = city.municipality
    kourei = Unit.objects.create(municipality=muni, code="高", name="高齢福祉課", order=2)
    org = Organization.objects.create(municipality=muni, name="高齢福祉課",
                                      kind=OrganizationKind.DEPARTMENT, unit=kourei)
    tantou = User.objects.create_user(username="tantou", password=city.password,
                                      municipality=muni)
    Membership.objects.create(user=tantou, organization=org, role=Role.CASEWORKER)
    committee_org = Organization.objects.create(municipality=muni, name="推進委員会",
                                                kind=OrganizationKind.AGENCY)
    iin = User.objects.create_user(username="iin", password=city.password, municipality=muni)
    Membership.objects.create(user=iin, organization=committee_org, role=Role.COMMITTEE)
    plan = Plan.objects.create(municipality=muni, name="テスト地域福祉計画", short_name="地福",
                               kind=PlanKind.COMMUNITY_WELFARE, first_year=2023,
                               last_year=2027, graded_level=3)
    for depth, (label, num, group, printed) in enumerate(
            [("基本目標", "arabic", "", True), ("大", "paren", "施策", True),
             ("小", "circled", "施策", True), ("事業", "latin", "", False)], start=1):
        PlanLevel.objects.create(plan=plan, depth=depth, label=label, numbering=num,
                                 header_group=group, printed_column=printed)
    goal = make_node(plan, None, "1", 1, "支え合うまち", order=1)
    big = make_node(plan, goal, "1-1", 1, "担い手を育てます", order=2)
    g1 = make_node(plan, big, "1-1-1", 1, "担い手育成", order=3, marker="expanded",
                   is_priority=True)
    a = make_node(plan, g1, "1-1-1-a", 1, "福祉カレッジ", business=True, units=[city.unit],
                  order=4, marker="expanded")
    b = make_node(plan, g1, "1-1-1-b", 2, "民生委員の支援", business=True, units=[kourei],
                  order=5)
    g2 = make_node(plan, big, "1-1-2", 2, "見守り", order=6)
    c = make_node(plan, g2, "1-1-2-a", 1, "見守り訪問", business=True, units=[kourei], order=7)
    repost = make_node(plan, g2, "1-1-2-b", 2, "", business=True, order=8, repost_of=a)
    t_a1 = AnnualTarget.objects.create(business=a, fiscal_year=2024, text="年4回開催",
                                       kind="numeric", target_value=4, unit_label="回",
                                       actual_value=4, achieved=True)
    t_a2 = AnnualTarget.objects.create(business=a, fiscal_year=2024, text="修了者の紹介",
                                       achieved=False, order=1)
    t_b = AnnualTarget.objects.create(business=b, fiscal_year=2024, text="研修の実施")
    t_c = AnnualTarget.objects.create(business=c, fiscal_year=2024, text="訪問の実施",
                                      achieved=True)
    ProgressPair.objects.create(business=a, fiscal_year=2024, do_text="4回開催した。",
                                act_text="若い世代の参加が少ない。")
    cycle = PdcaCycle.objects.create(municipality=muni, fiscal_year=2024,
                                     state=CycleState.SELF_EVAL)
    cycle.plans.set([plan])
    return SimpleNamespace(
        plan=plan, goal=goal, big=big, g1=g1, g2=g2, a=a, b=b, c=c, repost=repost,
        t_a1=t_a1, t_a2=t_a2, t_b=t_b, t_c=t_c, cycle=cycle, kourei=kourei, tantou=tantou,
        iin=iin, kyousei=city.unit,
        m_secretariat=city.secretariat.memberships.get(),
        m_tantou=tantou.memberships.get(), m_iin=iin.memberships.get(),
        m_coordinator=city.coordinator.memberships.get(),
        m_outsider=city.outsider.memberships.get(),
    )


def set_state(cycle: PdcaCycle, state: str) -> None:
    cycle.state = state
    cycle.save(update_fields=["state"])
