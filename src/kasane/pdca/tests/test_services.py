"""Workflow and write rules of kasane.pdca.services (who, when, with which reason)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kasane.audit.models import AccessLog, ChangeRecord
from kasane.pdca import services
from kasane.pdca.models import CycleState, Edition, PlanNode

from .conftest import set_state


@pytest.mark.django_db
def test_it_lets_a_unit_user_enter_results_of_their_own_business(pdca) -> None:
    services.target_record_result(actor=pdca.m_tantou, target=pdca.t_b, achieved=True)
    pdca.t_b.refresh_from_db()
    assert pdca.t_b.achieved is True
    assert AccessLog.objects.filter(action="pdca.target.result", basis="none").exists()
    assert ChangeRecord.objects.filter(model="pdca.AnnualTarget",
                                       object_id=str(pdca.t_b.pk)).exists()


@pytest.mark.django_db
def test_it_refuses_another_units_business(pdca) -> None:
    with pytest.raises(PermissionDenied, match="この事業の担当課は共生推進課です"):
        services.target_record_result(actor=pdca.m_tantou, target=pdca.t_a2, achieved=True)
    pdca.t_a2.refresh_from_db()
    assert pdca.t_a2.achieved is False


@pytest.mark.django_db
def test_it_refuses_unit_edits_outside_self_evaluation_and_revising(pdca) -> None:
    set_state(pdca.cycle, CycleState.SECRETARIAT_REVIEW)
    with pytest.raises(PermissionDenied, match="担当課は編集できません"):
        services.progress_pair_save(actor=pdca.m_tantou, business=pdca.b, fiscal_year=2024,
                                    do_text="実施した。")


@pytest.mark.django_db
def test_it_refuses_members_without_a_unit(pdca) -> None:
    with pytest.raises(PermissionDenied):
        services.progress_pair_save(actor=pdca.m_outsider, business=pdca.b, fiscal_year=2024,
                                    do_text="実施した。")


@pytest.mark.django_db
def test_it_derives_achievement_of_a_numeric_target(pdca) -> None:
    set_state(pdca.cycle, CycleState.REVISING)
    t = services.target_record_result(actor=pdca.m_secretariat, target=pdca.t_a1,
                                      achieved=None, actual_value=3)
    assert t.achieved is False  # 3 < 4
    t = services.target_record_result(actor=pdca.m_secretariat, target=pdca.t_a1,
                                      achieved=False, actual_value=5)
    assert t.achieved is True


@pytest.mark.django_db
def test_it_needs_a_reason_for_changes_after_committee_2(pdca) -> None:
    set_state(pdca.cycle, CycleState.COMMITTEE_2)
    with pytest.raises(ValidationError) as exc:
        services.target_record_result(actor=pdca.m_secretariat, target=pdca.t_b, achieved=True)
    assert "理由" in exc.value.message_dict["reason"][0]
    services.target_record_result(actor=pdca.m_secretariat, target=pdca.t_b, achieved=True,
                                  reason="委員会②の指摘で訂正")
    assert ChangeRecord.objects.filter(reason="委員会②の指摘で訂正").exists()


@pytest.mark.django_db
def test_it_makes_a_new_edition_for_a_correction_after_publication(pdca) -> None:
    pdca.t_b.achieved = True
    pdca.t_b.save()
    set_state(pdca.cycle, CycleState.COUNCIL_2)
    services.cycle_transition(actor=pdca.m_secretariat, cycle=pdca.cycle,
                              to_state=CycleState.PUBLISHED)
    assert Edition.objects.filter(cycle=pdca.cycle).count() == 1
    pdca.cycle.refresh_from_db()
    with pytest.raises(ValidationError, match="公表後の訂正には理由"):
        services.target_record_result(actor=pdca.m_secretariat, target=pdca.t_c,
                                      achieved=False)
    with pytest.raises(PermissionDenied):
        services.target_record_result(actor=pdca.m_tantou, target=pdca.t_c, achieved=False,
                                      reason="訂正")
    services.target_record_result(actor=pdca.m_secretariat, target=pdca.t_c, achieved=False,
                                  reason="実績の誤記を訂正")
    latest = Edition.objects.filter(cycle=pdca.cycle).order_by("-number").first()
    assert latest.number == 2 and latest.correction_note == "実績の誤記を訂正"
    first = Edition.objects.get(cycle=pdca.cycle, number=1)
    g2_first = next(g for g in first.snapshot["plans"][0]["graded"] if g["code"] == "1-1-2")
    g2_latest = next(g for g in latest.snapshot["plans"][0]["graded"] if g["code"] == "1-1-2")
    assert g2_first["achieved"] == 2 and g2_latest["achieved"] == 1  # first edition frozen


@pytest.mark.django_db
def test_it_requires_a_reason_for_a_grade_override(pdca) -> None:
    set_state(pdca.cycle, CycleState.SECRETARIAT_REVIEW)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_override(actor=pdca.m_secretariat, node=pdca.g1, fiscal_year=2024,
                                     grade="A", reason="  ")
    assert exc.value.message_dict["override_reason"] == ["評価を変更するときは理由を入力してください。"]
    ev = services.evaluation_override(actor=pdca.m_secretariat, node=pdca.g1, fiscal_year=2024,
                                      grade="A", reason="審議により変更")
    assert ev.override_grade == "A" and ev.overridden_by is not None


@pytest.mark.django_db
def test_it_refuses_overrides_by_non_secretariat_and_after_committee_2(pdca) -> None:
    set_state(pdca.cycle, CycleState.COMMITTEE_1)
    with pytest.raises(PermissionDenied):
        services.evaluation_override(actor=pdca.m_iin, node=pdca.g1, fiscal_year=2024,
                                     grade="A", reason="x")
    set_state(pdca.cycle, CycleState.COUNCIL_1)
    with pytest.raises(PermissionDenied, match="評価の変更は"):
        services.evaluation_override(actor=pdca.m_secretariat, node=pdca.g1, fiscal_year=2024,
                                     grade="A", reason="x")


@pytest.mark.django_db
def test_it_refuses_a_repost_pointing_at_itself(pdca) -> None:
    node = PlanNode.objects.get(pk=pdca.c.pk)
    node.repost_of = node
    with pytest.raises(ValidationError) as exc:
        node.full_clean()
    assert exc.value.message_dict["repost_of"] == ["再掲元に自分自身は指定できません。"]


@pytest.mark.django_db
def test_it_refuses_a_repost_of_a_repost(pdca) -> None:
    node = PlanNode(plan=pdca.plan, parent=pdca.g2, depth=4, code="1-1-2-c", number=3,
                    is_business=True, repost_of=pdca.repost)
    with pytest.raises(ValidationError, match="再掲でないもの"):
        node.full_clean()


@pytest.mark.django_db
def test_it_lets_committee_members_write_opinions_only_in_committee_stages(pdca) -> None:
    with pytest.raises(PermissionDenied, match="委員会①・委員会②"):
        services.opinion_add(actor=pdca.m_iin, node=pdca.g1, fiscal_year=2024, text="意見")
    set_state(pdca.cycle, CycleState.COMMITTEE_1)
    opinion = services.opinion_add(actor=pdca.m_iin, node=pdca.g1, fiscal_year=2024,
                                   text="・一つ目\n二つ目")
    assert opinion.bullets == ["一つ目", "二つ目"]
    with pytest.raises(PermissionDenied):
        services.opinion_add(actor=pdca.m_tantou, node=pdca.g1, fiscal_year=2024, text="x")


@pytest.mark.django_db
def test_it_blocks_committee_1_while_results_are_missing(pdca) -> None:
    set_state(pdca.cycle, CycleState.SECRETARIAT_REVIEW)
    with pytest.raises(ValidationError, match="実績が未入力の目標が1件"):
        services.cycle_transition(actor=pdca.m_secretariat, cycle=pdca.cycle,
                                  to_state=CycleState.COMMITTEE_1)
    pdca.t_b.achieved = False
    pdca.t_b.save()
    cycle = services.cycle_transition(actor=pdca.m_secretariat, cycle=pdca.cycle,
                                      to_state=CycleState.COMMITTEE_1)
    assert cycle.state == CycleState.COMMITTEE_1
    assert cycle.transitions.get().to_state == CycleState.COMMITTEE_1


@pytest.mark.django_db
def test_it_moves_one_step_at_a_time_and_back_only_with_a_reason(pdca) -> None:
    with pytest.raises(ValidationError, match="一つずつ"):
        services.cycle_transition(actor=pdca.m_secretariat, cycle=pdca.cycle,
                                  to_state=CycleState.COMMITTEE_2)
    with pytest.raises(ValidationError, match="理由"):
        services.cycle_transition(actor=pdca.m_secretariat, cycle=pdca.cycle,
                                  to_state=CycleState.PREPARING)
    with pytest.raises(PermissionDenied):
        services.cycle_transition(actor=pdca.m_tantou, cycle=pdca.cycle,
                                  to_state=CycleState.SECRETARIAT_REVIEW)
    with pytest.raises(ValidationError) as exc:  # back is an explicit, confirmed choice
        services.cycle_transition(actor=pdca.m_secretariat, cycle=pdca.cycle,
                                  to_state=CycleState.PREPARING, reason="目標の追加")
    assert set(exc.value.message_dict) == {"confirm_back"}
    services.cycle_transition(actor=pdca.m_secretariat, cycle=pdca.cycle,
                              to_state=CycleState.PREPARING, reason="目標の追加", confirm_back=True)
    pdca.cycle.refresh_from_db()
    assert pdca.cycle.state == CycleState.PREPARING


@pytest.mark.django_db
def test_it_refuses_a_withdrawn_target_without_reason(pdca) -> None:
    set_state(pdca.cycle, CycleState.PREPARING)
    pdca.t_b.withdrawn = True
    with pytest.raises(ValidationError) as exc:
        services.target_save(actor=pdca.m_secretariat, target=pdca.t_b)
    assert exc.value.message_dict["withdrawn_reason"] == ["取下げの理由を入力してください。"]


@pytest.mark.django_db
def test_it_refuses_another_tenant(pdca, city) -> None:
    other = city.other_admin.memberships.get()
    with pytest.raises(PermissionDenied):
        services.cycle_transition(actor=other, cycle=pdca.cycle,
                                  to_state=CycleState.SECRETARIAT_REVIEW)


@pytest.mark.django_db
def test_an_override_takes_the_plans_own_grades(pdca) -> None:
    """Issue 20: with a plan scale ◎/○/△ the override offers those, and refuses A."""
    from django.core.exceptions import ValidationError

    from kasane.pdca.models import CycleState
    from kasane.pdca.report import build_plan
    from kasane.pdca.services import evaluation_override

    from .conftest import set_state

    pdca.plan.grade_scale = [["◎", "順調", 70], ["○", "おおむね", 40], ["△", "遅れ", 0]]
    pdca.plan.save()
    set_state(pdca.cycle, CycleState.SECRETARIAT_REVIEW)
    evaluation_override(actor=pdca.m_secretariat, node=pdca.g1, fiscal_year=2024, grade="◎",
                        reason="審議")
    graded = build_plan(pdca.plan, 2024, live=False)["graded"][0]
    assert (graded["computed"], graded["final"]) == ("△", "◎")
    with pytest.raises(ValidationError):
        evaluation_override(actor=pdca.m_secretariat, node=pdca.g1, fiscal_year=2024,
                            grade="A", reason="審議")
