"""Demo PDCA for 重ね市: a 地域福祉計画 and its lower 重層的支援体制整備事業実施計画 over
令和6・7年度; 2024 published (with an override, opinions, a cross-listed business and a
continuation page), 2025 in 担当課自己評価. Idempotent (natural keys)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kasane.accounts.demo import DEMO_PASSWORD
from kasane.accounts.models import Membership, Role, User

from . import demo_data as D
from .models import (
    STATE_ORDER,
    AnnualTarget,
    CommitteeOpinion,
    CycleState,
    CycleTransition,
    Evaluation,
    PdcaCycle,
    Plan,
    PlanKind,
    PlanLevel,
    PlanNode,
    ProgressPair,
    TargetKind,
)

WELFARE_NAME = "重ね市第2次地域福祉計画"
MULTILAYER_NAME = "重ね市重層的支援体制整備事業実施計画"
UNIT_LOGINS = [  # username, display name, org key — 担当課 staff (PDCA self-evaluation)
    ("tantou_kyousei", "共生 担当", "fukushi"),
    ("tantou_kourei", "高齢 担当", "koureifukushi"),
    ("tantou_shougai", "障がい 担当", "shougaifukushi"),
]


def _users(data: dict[str, Any]) -> None:
    for username, name, org in UNIT_LOGINS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, display_name=name, municipality=data["city"])
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, organization=data["orgs"][org],
                                         role=Role.CASEWORKER)
        data["users"][username] = user


def _code(parent: str, number: int, numbering: str) -> str:
    part = chr(ord("a") + number - 1) if numbering == "latin" else str(number)
    return f"{parent}-{part}" if parent else part


def _node(plan: Plan, spec: dict[str, Any], parent: PlanNode | None, depth: int,
          levels: dict[int, PlanLevel], units: dict[str, Any], counter: list[int],
          made: dict[str, PlanNode]) -> PlanNode:
    counter[0] += 1
    code = _code(parent.code if parent else "", spec["number"], levels[depth].numbering)
    node = PlanNode.objects.create(
        plan=plan, parent=parent, depth=depth, code=code, number=spec["number"],
        title=spec["title"], marker=spec.get("marker", ""), is_priority=spec.get("priority", False),
        is_business=spec.get("business", False), plan_pages=spec.get("pages", ""),
        indicator_text=spec.get("indicator", ""), indicator_metric=spec.get("metric", ""),
        order=counter[0])
    node.units.set([units[c] for c in spec.get("units", "").split()])
    made[code] = node
    for t_order, t in enumerate(spec.get("targets", [])):
        AnnualTarget.objects.create(
            business=node, fiscal_year=t["fy"], order=t_order,
            kind=TargetKind.NUMERIC if t["value"] is not None else TargetKind.ACHIEVE,
            text=t["text"], target_value=Decimal(str(t["value"])) if t["value"] is not None else None,
            unit_label=t["unit"], direction="le" if t["le"] else "ge",
            achieved=t["achieved"],
            actual_value=Decimal(str(t["actual"])) if t["actual"] is not None else None,
            withdrawn=bool(t["withdrawn"]), withdrawn_reason=t["withdrawn"])
    for fy, pairs in spec.get("pairs", {}).items():
        for p_order, p in enumerate(pairs):
            ProgressPair.objects.create(business=node, fiscal_year=fy, order=p_order,
                                        unit=units[p["unit"]] if p["unit"] else None,
                                        do_text=p["do"], act_text=p["act"])
    for child in spec["children"]:
        _node(plan, child, node, depth + 1, levels, units, counter, made)
    return node


def _levels(plan: Plan, specs: list[tuple[str, str, str, bool]]) -> dict[int, PlanLevel]:
    return {depth: PlanLevel.objects.create(plan=plan, depth=depth, label=label, numbering=num,
                                            header_group=group, printed_column=printed)
            for depth, (label, num, group, printed) in enumerate(specs, start=1)}


def load(data: dict[str, Any]) -> None:
    _users(data)
    city, units = data["city"], data["units"]
    if Plan.objects.filter(municipality=city, name=WELFARE_NAME).exists():
        data["pdca_cycles"] = list(PdcaCycle.objects.filter(municipality=city))
        return
    welfare = Plan.objects.create(municipality=city, name=WELFARE_NAME, short_name="地域福祉計画",
                                  kind=PlanKind.COMMUNITY_WELFARE, first_year=2023,
                                  last_year=2027, graded_level=3, order=1)
    multilayer = Plan.objects.create(municipality=city, name=MULTILAYER_NAME, short_name="重層計画",
                                     kind=PlanKind.MULTILAYER, parent_plan=welfare,
                                     first_year=2024, last_year=2026, graded_level=1, order=2)
    w_levels, m_levels = _levels(welfare, D.WELFARE_LEVELS), _levels(multilayer, D.MULTILAYER_LEVELS)
    made_w: dict[str, PlanNode] = {}
    made_m: dict[str, PlanNode] = {}
    counter = [0]
    for spec in D.MULTILAYER:
        _node(multilayer, spec, None, 1, m_levels, units, counter, made_m)
    counter = [0]
    for spec in D.WELFARE:
        _node(welfare, spec, None, 1, w_levels, units, counter, made_w)
    # Businesses below the graded 施策(小), in plan order (order numbers interleave by code).
    for code, businesses in D.WELFARE_BUSINESSES.items():
        parent = made_w[code]
        for spec in businesses:
            counter[0] += 1
            node = _node(welfare, spec, parent, 4, w_levels, units, counter, made_w)
            node.order = parent.order * 100 + spec["number"]
            node.save(update_fields=["order"])
    # Cross-listed business: the 重層 plan's 参加支援事業, listed again under 地域福祉 2-(1)-②.
    original = made_m["3-1-1"]
    parent = made_w["2-1-2"]
    PlanNode.objects.create(plan=welfare, parent=parent, depth=4, code="2-1-2-b", number=2,
                            is_business=True, repost_of=original, order=parent.order * 100 + 2)
    _reorder(welfare)
    _cycles(data, welfare, multilayer, made_w, made_m)


def _reorder(plan: Plan) -> None:
    """Give every node a global preorder position (children by number)."""
    nodes = list(plan.nodes.all())
    kids: dict[int | None, list[PlanNode]] = {}
    for n in nodes:
        kids.setdefault(n.parent_id, []).append(n)
    position = [0]

    def walk(parent: int | None) -> None:
        for n in sorted(kids.get(parent, []), key=lambda n: n.number):
            position[0] += 1
            n.order = position[0]
            n.save(update_fields=["order"])
            walk(n.pk)

    walk(None)


def _cycles(data: dict[str, Any], welfare: Plan, multilayer: Plan,
            made_w: dict[str, PlanNode], made_m: dict[str, PlanNode]) -> None:
    from . import services

    city = data["city"]
    jimukyoku = data["users"]["jimukyoku"]
    iin = data["users"]["iin"]
    actor = Membership.objects.get(user=jimukyoku, role=Role.SECRETARIAT)
    c2024 = PdcaCycle.objects.create(
        municipality=city, fiscal_year=2024, state=CycleState.PUBLISHED,
        committee_name="重ね市市民福祉推進委員会",
        published_month="令和7年10月", publisher="重ね市", editor="福祉部 共生推進課",
        publication_number="重ね市刊行物番号 7-42")
    c2024.plans.set([welfare, multilayer])
    for i, state in enumerate(STATE_ORDER[1:], start=1):
        CycleTransition.objects.create(cycle=c2024, from_state=STATE_ORDER[i - 1], to_state=state,
                                       by=jimukyoku, reason="")
    Evaluation.objects.create(
        node=made_w["2-2-1"], fiscal_year=2024, override_grade="C",
        override_reason="中核機関の設置が国の制度変更で延期となったことを考慮し、委員会の審議により"
                        "評価を変更した。", overridden_by=jimukyoku)
    plans = {"welfare": made_w, "multilayer": made_m}
    for plan_key, code, text, response in D.OPINIONS_2024:
        CommitteeOpinion.objects.create(node=plans[plan_key][code], fiscal_year=2024, text=text,
                                        meeting_label="令和7年度第1回委員会",
                                        response_next_year=response, author=iin)
    services.edition_create(actor=actor, cycle=c2024)
    c2025 = PdcaCycle.objects.create(municipality=city, fiscal_year=2025,
                                     state=CycleState.SELF_EVAL,
                                     committee_name="重ね市市民福祉推進委員会")
    c2025.plans.set([welfare, multilayer])
    CycleTransition.objects.create(cycle=c2025, from_state=CycleState.PREPARING,
                                   to_state=CycleState.SELF_EVAL, by=jimukyoku)
    data["pdca_cycles"] = [c2024, c2025]
