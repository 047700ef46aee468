"""PDCA screens: who sees what, who may edit which rows at which stage."""

import pytest
from django.urls import reverse

from kasane.pdca.models import CommitteeOpinion, CycleState, Evaluation

from .conftest import set_state


@pytest.mark.django_db
def test_it_lists_cycles_for_readers_and_refuses_others(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    page = client.get(reverse("pdca:index")).content.decode()
    assert "令和6年度" in page and "担当課自己評価" in page
    for actor in (city.auditor, city.admin, city.liaison):
        client.force_login(actor)
        assert client.get(reverse("pdca:index")).status_code == 403


@pytest.mark.django_db
def test_it_shows_the_summary_and_the_units_own_businesses(pdca, client) -> None:
    client.force_login(pdca.tantou)
    page = client.get(reverse("pdca:cycle", args=[pdca.cycle.pk])).content.decode()
    assert "担当課の事業" in page and "民生委員の支援" in page and "実績未入力 1" in page
    assert "福祉カレッジ</a>" not in page  # another unit's business is not in "mine"
    assert "段階の移動" not in page


@pytest.mark.django_db
def test_it_lets_a_unit_user_save_their_business_page(pdca, client) -> None:
    client.force_login(pdca.tantou)
    url = reverse("pdca:business", args=[pdca.cycle.pk, pdca.b.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {f"t{pdca.t_b.pk}-achieved": "1", f"t{pdca.t_b.pk}-note": "",
                                 "new-do_text": "研修を2回行った。", "new-act_text": "参加者を増やす。"})
    assert response.status_code == 302
    pdca.t_b.refresh_from_db()
    assert pdca.t_b.achieved is True
    assert pdca.b.progress.get().do_text == "研修を2回行った。"


@pytest.mark.django_db
def test_it_refuses_the_page_of_another_units_business(pdca, client) -> None:
    client.force_login(pdca.tantou)
    url = reverse("pdca:business", args=[pdca.cycle.pk, pdca.a.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {f"t{pdca.t_a2.pk}-achieved": "1"})
    assert response.status_code == 403
    pdca.t_a2.refresh_from_db()
    assert pdca.t_a2.achieved is False


@pytest.mark.django_db
def test_it_shows_whole_counts_without_decimals(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    html = client.get(reverse("pdca:business", args=[pdca.cycle.pk, pdca.a.pk])).content.decode()
    assert "目標 4回" in html and "4.00" not in html
    assert f'name="t{pdca.t_a1.pk}-actual_value" value="4"' in html


@pytest.mark.django_db
def test_it_rejects_a_negative_actual_value_at_the_field(pdca, city, client) -> None:
    client.force_login(city.secretariat)
    url = reverse("pdca:business", args=[pdca.cycle.pk, pdca.a.pk])
    response = client.post(url, {f"t{pdca.t_a1.pk}-actual_value": "-1",
                                 f"t{pdca.t_a2.pk}-achieved": "1"})
    assert response.status_code == 400
    assert "0以上で入力してください。" in response.content.decode()
    pdca.t_a2.refresh_from_db()
    assert pdca.t_a2.achieved is False  # nothing half-saved


@pytest.mark.django_db
def test_it_asks_for_a_reason_after_committee_2(pdca, city, client) -> None:
    set_state(pdca.cycle, CycleState.COMMITTEE_2)
    client.force_login(city.secretariat)
    url = reverse("pdca:business", args=[pdca.cycle.pk, pdca.b.pk])
    response = client.post(url, {f"t{pdca.t_b.pk}-achieved": "0", "reason": ""})
    assert response.status_code == 400
    assert "確定以降の変更には理由を入力してください" in response.content.decode()
    response = client.post(url, {f"t{pdca.t_b.pk}-achieved": "0", "reason": "委員会の指摘"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_overrides_a_grade_with_a_reason_only(pdca, city, client) -> None:
    set_state(pdca.cycle, CycleState.SECRETARIAT_REVIEW)
    client.force_login(city.secretariat)
    url = reverse("pdca:grade", args=[pdca.cycle.pk, pdca.g1.pk])
    response = client.post(url, {"grade": "A", "reason": ""})
    assert response.status_code == 400
    assert "評価を変更するときは理由を入力してください。" in response.content.decode()
    assert client.post(url, {"grade": "A", "reason": "審議"}).status_code == 302
    assert Evaluation.objects.get(node=pdca.g1).override_grade == "A"
    sheet = client.get(reverse("pdca:sheet", args=[pdca.cycle.pk, pdca.plan.pk])).content.decode()
    assert "変更あり（算定 C）" in sheet
    client.force_login(pdca.tantou)
    assert client.post(url, {"grade": "D", "reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_it_takes_opinions_from_committee_members_in_committee_stages(pdca, client) -> None:
    client.force_login(pdca.iin)
    url = reverse("pdca:opinion", args=[pdca.cycle.pk, pdca.g1.pk])
    assert client.get(url).status_code == 403
    set_state(pdca.cycle, CycleState.COMMITTEE_1)
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "若い世代の参加を"}).status_code == 302
    assert CommitteeOpinion.objects.get().bullets == ["若い世代の参加を"]


@pytest.mark.django_db
def test_it_moves_the_workflow_for_the_secretariat_only(pdca, city, client) -> None:
    url = reverse("pdca:transition", args=[pdca.cycle.pk])
    client.force_login(pdca.tantou)
    assert client.post(url, {"to_state": "secretariat_review"}).status_code == 403
    client.force_login(city.secretariat)
    response = client.post(url, {"to_state": "secretariat_review"}, follow=True)
    assert "「事務局確認」の段階に進めました。" in response.content.decode()
    response = client.post(url, {"to_state": "committee_1"}, follow=True)
    assert "実績が未入力の目標が1件あります" in response.content.decode()
    html = client.get(reverse("pdca:cycle", args=[pdca.cycle.pk])).content.decode()
    assert "「担当課自己評価」へ戻すことを確認しました" in html
    response = client.post(url, {"to_state": "self_eval", "reason": "目標の追加"}, follow=True)
    assert "前の段階に戻すことを確認し、チェックを入れてください。" in response.content.decode()
    pdca.cycle.refresh_from_db()
    assert pdca.cycle.state == "secretariat_review"
    response = client.post(url, {"to_state": "self_eval", "reason": "目標の追加",
                                 "confirm_back": "on"}, follow=True)
    assert "の段階に戻しました。" in response.content.decode()


@pytest.mark.django_db
def test_it_hides_another_tenants_cycle(pdca, city, client) -> None:
    client.force_login(city.other_admin)
    assert client.get(reverse("pdca:cycle", args=[pdca.cycle.pk])).status_code == 403


@pytest.mark.django_db
def test_it_serves_the_public_page_only_for_published_cycles(pdca, city, client) -> None:
    url = reverse("pdca:public", args=[pdca.cycle.pk])
    assert client.get(url).status_code == 404
    from kasane.pdca import services

    pdca.t_b.achieved = True
    pdca.t_b.save()
    set_state(pdca.cycle, CycleState.COUNCIL_2)
    services.cycle_transition(actor=pdca.m_secretariat, cycle=pdca.cycle,
                              to_state=CycleState.PUBLISHED)
    page = client.get(url).content.decode()
    assert "評価総括表" in page and "1－(1)－①" in page and "第1版" in page


@pytest.mark.django_db
def test_the_public_page_shows_the_plans_scale_and_section_heading(pdca, city, client) -> None:
    """Issue 20: a plan's own scale and heading reach the publication page (and the workbook)."""
    from kasane.pdca import services

    pdca.plan.grade_scale = [["◎", "順調", 50], ["△", "遅れ", 0]]
    pdca.plan.section_heading = "1 地域福祉計画"
    pdca.plan.save()
    pdca.t_b.achieved = True
    pdca.t_b.save()
    set_state(pdca.cycle, CycleState.COUNCIL_2)
    services.cycle_transition(actor=pdca.m_secretariat, cycle=pdca.cycle,
                              to_state=CycleState.PUBLISHED)
    page = client.get(reverse("pdca:public", args=[pdca.cycle.pk])).content.decode()
    assert "順調" in page and "1 地域福祉計画" in page and "進捗している" not in page
    import io

    from openpyxl import load_workbook

    from kasane.pdca.report import build_report
    from kasane.pdca.xlsx import render_xlsx

    wb = load_workbook(io.BytesIO(render_xlsx(build_report(pdca.cycle, live=False))))
    assert wb["地福_総括表"]["A1"].value.startswith("1 地域福祉計画　テスト地域福祉計画")
