"""pdca.setup: cycles, nodes and 担当課 without the demo loader (issue 20 #1, #7)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kasane.accounts.models import Unit
from kasane.audit.models import ChangeRecord
from kasane.pdca import setup
from kasane.pdca.models import CycleState, PlanNode
from kasane.pdca.report import _Tree


@pytest.mark.django_db
def test_cycle_create_copies_last_year(pdca) -> None:
    pdca.cycle.report_title = "令和6年度 進捗管理報告書"
    pdca.cycle.publisher = "重ね市"
    pdca.cycle.save()
    cycle = setup.cycle_create(actor=pdca.m_secretariat, fiscal_year=2025, copy_from=pdca.cycle)
    assert cycle.state == CycleState.PREPARING
    assert list(cycle.plans.all()) == [pdca.plan]
    assert (cycle.report_title, cycle.publisher) == ("令和7年度 進捗管理報告書", "重ね市")
    assert ChangeRecord.objects.filter(model="pdca.PdcaCycle",
                                       object_id=str(cycle.pk)).exists()


@pytest.mark.django_db
def test_cycle_create_refuses_same_year_no_plans_and_non_secretariat(pdca) -> None:
    with pytest.raises(ValidationError) as exc:
        setup.cycle_create(actor=pdca.m_secretariat, fiscal_year=2024, plans=[pdca.plan])
    assert "すでに" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        setup.cycle_create(actor=pdca.m_secretariat, fiscal_year=2026)
    assert "plans" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        setup.cycle_create(actor=pdca.m_tantou, fiscal_year=2026, plans=[pdca.plan])


@pytest.mark.django_db
def test_untitled_middle_node_is_accepted_and_duplicate_number_warned(pdca) -> None:
    saved = setup.node_save(actor=pdca.m_secretariat,
                            node=PlanNode(plan=pdca.plan, parent=pdca.goal, code="1-2",
                                          number=2, title=""))
    assert saved.node.pk and saved.node.depth == 2 and saved.warnings == []
    dup = setup.node_save(actor=pdca.m_secretariat,
                          node=PlanNode(plan=pdca.plan, parent=pdca.goal, code="1-3",
                                        number=2, title="同じ番号"))
    assert dup.node.pk and len(dup.warnings) == 1 and "番号2が重複" in dup.warnings[0]


@pytest.mark.django_db
def test_new_child_goes_after_the_parent_subtree_and_business_needs_title(pdca) -> None:
    saved = setup.node_save(actor=pdca.m_secretariat, units=[pdca.kourei],
                            node=PlanNode(plan=pdca.plan, parent=pdca.g1, code="1-1-1-c",
                                          number=3, title="新しい事業", is_business=True))
    codes = [n.code for n in _Tree(pdca.plan).preorder()]
    assert codes.index("1-1-1-c") == codes.index("1-1-1-b") + 1
    assert list(saved.node.units.all()) == [pdca.kourei]
    with pytest.raises(ValidationError) as exc:
        setup.node_save(actor=pdca.m_secretariat,
                        node=PlanNode(plan=pdca.plan, parent=pdca.g1, code="1-1-1-d",
                                      number=4, title="", is_business=True))
    assert "title" in exc.value.message_dict


@pytest.mark.django_db
def test_node_move_swaps_subtrees(pdca) -> None:
    setup.node_move(actor=pdca.m_secretariat, node=pdca.g2, up=True)
    codes = [n.code for n in _Tree(pdca.plan).preorder()]
    assert codes[2:] == ["1-1-2", "1-1-2-a", "1-1-2-b", "1-1-1", "1-1-1-a", "1-1-1-b"]


@pytest.mark.django_db
def test_node_save_refuses_duplicate_code_and_other_tenant(pdca, city) -> None:
    with pytest.raises(ValidationError):
        setup.node_save(actor=pdca.m_secretariat,
                        node=PlanNode(plan=pdca.plan, parent=pdca.goal, code="1-1", number=9))
    other_secretariat = city.other_admin.memberships.get()
    with pytest.raises(PermissionDenied):
        setup.node_save(actor=other_secretariat,
                        node=PlanNode(plan=pdca.plan, parent=pdca.goal, code="1-9", number=9))


@pytest.mark.django_db
def test_unit_save_by_secretariat(pdca) -> None:
    unit = setup.unit_save(actor=pdca.m_secretariat, unit=Unit(code="子", name="こども家庭課",
                                                                order=4))
    assert unit.municipality_id == pdca.plan.municipality_id
    with pytest.raises(ValidationError):
        setup.unit_save(actor=pdca.m_secretariat, unit=Unit(code="子", name="重複", order=5))
