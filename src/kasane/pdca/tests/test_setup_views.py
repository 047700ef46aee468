"""The 事務局 set-up screens (issue 20 #1): new cycle, node add/edit/move, 担当課."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kasane.accounts.models import Unit
from kasane.pdca.models import PdcaCycle, PlanNode


@pytest.mark.django_db
def test_secretariat_creates_a_cycle_copying_last_year(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    assert client.get(reverse("pdca:cycle_new")).status_code == 200
    response = client.post(reverse("pdca:cycle_new"), {"fiscal_year": "2025", "copy_last": "on"})
    cycle = PdcaCycle.objects.get(fiscal_year=2025)
    assert response.status_code == 302 and list(cycle.plans.all()) == [pdca.plan]


@pytest.mark.django_db
def test_cycle_without_plans_gets_a_field_message(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    response = client.post(reverse("pdca:cycle_new"), {"fiscal_year": "2025"})
    assert response.status_code == 400
    assert "評価する計画を1つ以上選んでください" in response.content.decode()


@pytest.mark.django_db
def test_node_add_edit_and_move(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    url = reverse("pdca:node_new", args=[pdca.plan.pk])
    response = client.post(url, {"parent": pdca.goal.pk, "code": "1-2", "number": "1",
                                 "title": "", "marker": ""}, follow=True)
    assert PlanNode.objects.get(code="1-2").depth == 2
    assert "番号1が重複" in response.content.decode()
    edit = reverse("pdca:node_edit", args=[pdca.plan.pk, pdca.c.pk])
    client.post(edit, {"code": "1-1-2-a", "number": "1", "title": "見守り訪問（改）",
                       "marker": "new", "is_business": "on", "units": [pdca.kourei.pk],
                       "indicator_text": "訪問件数"})
    pdca.c.refresh_from_db()
    assert (pdca.c.title, pdca.c.indicator_text) == ("見守り訪問（改）", "訪問件数")
    client.post(reverse("pdca:node_move", args=[pdca.plan.pk, pdca.g2.pk]), {"direction": "up"})
    pdca.g1.refresh_from_db()
    pdca.g2.refresh_from_db()
    assert pdca.g2.order < pdca.g1.order


@pytest.mark.django_db
def test_setup_screens_refuse_non_secretariat(pdca, client) -> None:
    client.force_login(pdca.tantou)
    for url in (reverse("pdca:cycle_new"), reverse("pdca:units"),
                reverse("pdca:node_new", args=[pdca.plan.pk])):
        assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_units_screen_adds_a_unit(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    response = client.post(reverse("pdca:units"), {"code": "子", "name": "こども家庭課",
                                                   "order": "4"})
    assert response.status_code == 302
    assert Unit.objects.get(code="子").municipality == city.municipality
    response = client.post(reverse("pdca:units"), {"code": "子子", "name": "x", "order": "1"})
    assert response.status_code == 400 and "1文字" in response.content.decode()


@pytest.mark.django_db
def test_layout_screen_saves_settings_and_refuses_a_bad_scale(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    url = reverse("pdca:plan_layout", args=[pdca.plan.pk])
    response = client.post(url, {"section_heading": "1 地域福祉計画", "page_per_section": "on",
                                 "repost_display": "reference",
                                 "scale_text": "A|進捗|60\nB|遅れ|0"})
    assert response.status_code == 302
    pdca.plan.refresh_from_db()
    assert (pdca.plan.section_heading, pdca.plan.page_per_section) == ("1 地域福祉計画", True)
    assert pdca.plan.grade_scale == [["A", "進捗", 60], ["B", "遅れ", 0]]
    response = client.post(url, {"repost_display": "reference", "scale_text": "A|進捗|60"})
    assert response.status_code == 400 and "2つ以上" in response.content.decode()


@pytest.mark.django_db
def test_texts_screen_saves_front_matter(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    response = client.post(reverse("pdca:cycle_texts", args=[pdca.cycle.pk]),
                           {"committee_name": "推進委員会", "intro_text": "序章の本文",
                            "timeline_text": "準備|事務局|目標|3月"})
    assert response.status_code == 302
    pdca.cycle.refresh_from_db()
    assert (pdca.cycle.intro_text, pdca.cycle.timeline_text) == ("序章の本文", "準備|事務局|目標|3月")


@pytest.mark.django_db
def test_targets_screen_adds_and_changes_a_target(pdca, city, client) -> None:
    from kasane.pdca.models import AnnualTarget

    client.force_login(city.secretariat)
    url = reverse("pdca:targets", args=[pdca.plan.pk, pdca.c.pk])
    response = client.post(url, {"fiscal_year": "2024", "text": "訪問100件", "kind": "numeric",
                                 "target_value": "abc", "direction": "ge"})
    assert response.status_code == 400 and "数字で入力してください" in response.content.decode()
    response = client.post(url, {"fiscal_year": "2024", "text": "訪問100件", "kind": "numeric",
                                 "target_value": "100", "unit_label": "件", "direction": "ge"})
    assert response.status_code == 302
    target = AnnualTarget.objects.get(text="訪問100件")
    client.post(url, {"target": target.pk, "fiscal_year": "2024", "text": "訪問120件",
                      "kind": "numeric", "target_value": "120", "direction": "ge"})
    target.refresh_from_db()
    assert (target.text, target.target_value) == ("訪問120件", 120)
    assert client.get(reverse("pdca:targets", args=[pdca.plan.pk, pdca.repost.pk])).status_code == 404


@pytest.mark.django_db
def test_plan_new_screen_creates_a_plan_with_its_levels(pdca, city, client) -> None:
    """From zero without Excel: a plan and its level hierarchy."""
    from kasane.pdca.models import Plan

    client.force_login(city.secretariat)
    url = reverse("pdca:plan_new")
    data = {"name": "第2次重層計画", "kind": "multilayer", "first_year": "2025",
            "last_year": "2027", "graded_level": "1", "sheet_scope": "all",
            "target_window": "cumulative", "levels_text": "大|1||○\n中|(1)||○\n小|①||○"}
    response = client.post(url, dict(data, levels_text="大|X"))
    assert response.status_code == 400 and "1行目" in response.content.decode()
    response = client.post(url, dict(data, graded_level="5"))
    assert response.status_code == 400 and "1〜3の番号" in response.content.decode()
    response = client.post(url, data)
    plan = Plan.objects.get(name="第2次重層計画")
    assert response.status_code == 302 and plan.short_name == "第2次重層計画"
    assert [lv.label for lv in plan.levels.order_by("depth")] == ["大", "中", "小"]


@pytest.mark.django_db
def test_a_new_child_is_offered_the_next_number_and_code(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    page = client.get(reverse("pdca:node_new", args=[pdca.plan.pk]),
                      {"parent": pdca.g1.pk}).content.decode()
    assert 'value="1-1-1-3"' in page and 'name="number" value="3"' in page


@pytest.mark.django_db
def test_setup_screens_answer_404_to_ids_that_are_not_theirs(pdca, city, client) -> None:
    """A typed-over or stale id (not a number, another plan's node, a business's unknown
    target, a unit of no such id) is a 404, never a server error or a silent top-level node."""
    client.force_login(city.secretariat)
    new_node = reverse("pdca:node_new", args=[pdca.plan.pk])
    targets = reverse("pdca:targets", args=[pdca.plan.pk, pdca.c.pk])
    for url, params in ((new_node, {"parent": "abc"}), (new_node, {"parent": "999999"}),
                        (targets, {"target": "x"}), (targets, {"target": "999999"})):
        assert client.get(url, params).status_code == 404, (url, params)
    assert client.get(reverse("pdca:node_edit", args=[pdca.plan.pk, 999999])).status_code == 404
    assert client.get(reverse("pdca:unit_edit", args=[999999])).status_code == 404
    move = reverse("pdca:node_move", args=[pdca.plan.pk, 999999])
    assert client.post(move, {"direction": "up"}).status_code == 404
    nodes = PlanNode.objects.count()
    response = client.post(new_node, {"parent": "999999", "code": "9", "number": "9",
                                      "title": "迷子", "marker": ""})
    assert response.status_code == 404 and PlanNode.objects.count() == nodes
