"""Case status: forward by the select (allowed next statuses only), backward only as an explicit
choice with a reason and a confirmation — enforced by the service, not only by the form."""

import re

import pytest
from django.core.exceptions import ValidationError

from kasane.cases import services
from kasane.cases.models import Case, CaseEvent

from .factories import make_plan, setup_case

pytestmark = pytest.mark.django_db


def _supporting(city):
    s = setup_case(city)
    plan = make_plan(s, city)
    services.plan_approve(actor=s.coord, plan=plan)
    case = services.case_status_change(actor=s.coord, case=Case.objects.get(pk=s.case.pk),
                                       to_status="supporting")
    return s, case


def _options(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {select_name}"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def test_it_offers_only_later_statuses_nearest_first(city):
    s = setup_case(city)
    case = Case.objects.get(pk=s.case.pk)
    assert case.next_statuses == ["assessment", "planning"]  # 支援中 needs an approved plan
    assert case.earlier_statuses == []
    services.plan_approve(actor=s.coord, plan=make_plan(s, city))
    case = services.case_status_change(actor=s.coord, case=Case.objects.get(pk=s.case.pk),
                                       to_status="planning")
    assert case.next_statuses == ["supporting"]
    assert case.earlier_statuses == ["assessment", "intake"]


def test_it_refuses_a_backward_change_without_reason_and_confirmation(city):
    s, case = _supporting(city)
    with pytest.raises(ValidationError) as exc:
        services.case_status_change(actor=s.coord, case=case, to_status="intake")
    assert set(exc.value.message_dict) == {"note", "confirm_back"}
    with pytest.raises(ValidationError) as exc:
        services.case_status_change(actor=s.coord, case=case, to_status="intake", note="誤り")
    assert set(exc.value.message_dict) == {"confirm_back"}
    assert Case.objects.get(pk=case.pk).status == "supporting"
    back = services.case_status_change(actor=s.coord, case=case, to_status="intake",
                                       note="受付内容の確認漏れ", confirm_back=True)
    assert back.status == "intake"
    text = CaseEvent.objects.filter(case=case, kind="status").latest("id").text
    assert text == "支援中 → 受付（前の状態に戻す）：受付内容の確認漏れ"


def test_it_shows_a_supporting_case_no_earlier_status_in_the_forward_select(city, client):
    s, case = _supporting(city)
    client.force_login(city.coordinator)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="to_status"' not in html  # nothing ahead: no forward select at all
    assert _options(html, "back-to_status") == ["", "planning", "assessment", "intake"]
    assert "前の状態に戻す" in html and 'name="back-confirm_back"' in html


def test_it_defaults_the_forward_select_to_the_next_status(city, client):
    s = setup_case(city)
    client.force_login(city.coordinator)
    html = client.get(f"/cases/{s.case.pk}/").content.decode()
    assert _options(html, "to_status") == ["assessment", "planning"]
    assert "「支援中」にするには、支援プランの承認が必要です" in html


def test_it_does_not_move_a_case_back_by_one_post_of_the_forward_form(city, client):
    s, case = _supporting(city)
    client.force_login(city.coordinator)
    r = client.post(f"/cases/{case.pk}/status/", {"to_status": "intake",
                                                  "lock_version": case.lock_version})
    assert r.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "supporting"


def test_it_moves_back_with_reason_and_confirmation_on_the_back_form(city, client):
    s, case = _supporting(city)
    client.force_login(city.coordinator)
    url = f"/cases/{case.pk}/status/back/"
    r = client.post(url, {"back-to_status": "assessment", "back-note": "",
                          "back-lock_version": case.lock_version})
    html = r.content.decode()
    assert r.status_code == 400 and Case.objects.get(pk=case.pk).status == "supporting"
    assert "戻す理由: 入力してください。" in html  # the summary names both fields at once
    assert "ケースの状態を前に戻すことを確認しました: チェックを入れてください。" in html
    r = client.post(url, {"back-to_status": "assessment", "back-note": "プランを見直す",
                          "back-confirm_back": "on", "back-lock_version": case.lock_version})
    assert r.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "assessment"


def test_it_keeps_the_back_form_to_the_lead(city, client):
    s, case = _supporting(city)
    client.force_login(city.outsider)
    assert client.get(f"/cases/{case.pk}/status/back/").status_code == 404
