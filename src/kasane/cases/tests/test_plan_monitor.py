"""Monitoring entries with per-goal evaluation on an approved plan, listed on the case page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kasane.cases import services
from kasane.cases.models import CaseEvent, Monitoring

from .factories import make_plan, setup_case

pytestmark = pytest.mark.django_db


def _approved(city):
    s = setup_case(city)
    plan = make_plan(s, city, goals=["生活リズムを整える", "家計を立て直す"])
    plan = services.plan_approve(actor=s.coord, plan=plan)
    return s, plan


def test_it_records_a_monitoring_entry_with_goal_evaluations(city, client) -> None:
    s, plan = _approved(city)
    client.force_login(city.coordinator)
    url = f"/cases/plans/{plan.pk}/monitor/"
    r = client.get(url)
    assert r.status_code == 200 and "目標1「生活リズムを整える」の評価" in r.content.decode()
    today = timezone.localdate().isoformat()
    r = client.post(url, {"on": today, "note": "週3回は外出できている", "goal_0": "achieved"})
    assert r.status_code == 400 and "の評価: 選んでください。" in r.content.decode()
    assert not Monitoring.objects.exists()
    r = client.post(url, {"on": "令和99年1月1日", "note": "x", "goal_0": "achieved",
                          "goal_1": "partial"})
    assert r.status_code == 400 and "今日以前" in r.content.decode()
    r = client.post(url, {"on": today, "note": "週3回は外出できている", "goal_0": "achieved",
                          "goal_1": "partial"})
    assert r.status_code == 302
    entry = Monitoring.objects.get()
    assert entry.evaluations == [{"goal": "生活リズムを整える", "result": "achieved"},
                                 {"goal": "家計を立て直す", "result": "partial"}]
    assert CaseEvent.objects.filter(case=s.case, text__contains="生活リズムを整える=達成").exists()
    page = client.get(f"/cases/{s.case.pk}/").content.decode()
    assert "週3回は外出できている" in page and "一部達成" in page
    client.force_login(city.outsider)  # 社協 is not involved
    assert client.get(url).status_code == 404
    assert client.post(url, {"on": today, "note": "x", "goal_0": "achieved",
                             "goal_1": "partial"}).status_code == 404
    assert Monitoring.objects.count() == 1


def test_it_refuses_monitoring_a_draft_or_an_unknown_result(city) -> None:
    s = setup_case(city)
    draft = make_plan(s, city)
    with pytest.raises(ValidationError) as exc:
        services.plan_monitor(actor=s.coord, plan=draft, on=timezone.localdate(),
                                      note="x", evaluations=["achieved"])
    assert "承認済み" in exc.value.message_dict["note"][0]
    plan = services.plan_approve(actor=s.coord, plan=draft)
    with pytest.raises(ValidationError) as exc:
        services.plan_monitor(actor=s.coord, plan=plan, note="x", evaluations=["great"],
                                      on=timezone.localdate() - dt.timedelta(days=400))
    assert set(exc.value.message_dict) == {"goal_0", "on"}
    assert not Monitoring.objects.exists()
