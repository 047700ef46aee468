"""Summary / 分類 / 主担当 edit screen with optimistic locking and the conflict page."""

from __future__ import annotations

import pytest
from django.test import Client

from kasane.cases.models import Case

from .factories import setup_case

pytestmark = pytest.mark.django_db


def test_it_edits_the_summary_and_shows_the_conflict_page_to_the_second_session(city) -> None:
    s = setup_case(city)
    first, second = Client(), Client()
    first.force_login(city.coordinator)
    second.force_login(city.coordinator)
    url = f"/cases/{s.case.pk}/edit/"
    assert first.get(url).status_code == 200 and second.get(url).status_code == 200
    base = {"lead_org": city.orgs["city"].pk, "lead_user": city.coordinator.pk,
            "lock_version": 1, "triage": "3"}
    assert first.post(url, {**base, "summary": ""}).status_code == 400
    r1 = first.post(url, {**base, "summary": "一人目の概要", "triage": "2"})
    assert r1.status_code == 302
    r2 = second.post(url, {**base, "summary": "二人目の概要"})
    assert r2.status_code == 409
    body = r2.content.decode()
    assert "二人目の概要" in body and "一人目の概要" in body and "上書きはしていません" in body
    case = Case.objects.get(pk=s.case.pk)
    assert case.summary == "一人目の概要" and case.triage == "2" and case.lock_version == 2


def test_it_offers_only_involved_orgs_as_lead_and_refuses_outsiders(city, client) -> None:
    s = setup_case(city)
    client.force_login(city.coordinator)
    url = f"/cases/{s.case.pk}/edit/"
    r = client.post(url, {"summary": "x", "lead_org": city.orgs["houkatsu"].pk,
                          "lead_user": city.partner.pk, "lock_version": 1})
    assert r.status_code == 400
    assert Case.objects.get(pk=s.case.pk).lead_org_id == city.orgs["city"].pk
    client.force_login(city.outsider)
    assert client.get(url).status_code == 404


def test_it_lets_only_the_lead_or_a_coordinator_hand_over_the_lead(city, client) -> None:
    from kasane.cases import services

    from .factories import refer

    s = setup_case(city)
    services.referral_accept(actor=s.partner, referral=refer(s, city.orgs["houkatsu"]))
    client.force_login(city.partner)  # an involved member org may edit the summary only
    url = f"/cases/{s.case.pk}/edit/"
    base = {"summary": "包括が追記", "lead_user": city.coordinator.pk, "lock_version": 1}
    r = client.post(url, {**base, "lead_org": city.orgs["houkatsu"].pk})
    assert r.status_code == 400 and "主担当を変更できるのは" in r.content.decode()
    assert client.post(url, {**base, "lead_org": city.orgs["city"].pk}).status_code == 302
    client.force_login(city.coordinator)
    r = client.post(url, {"summary": "包括へ引き継ぎ", "lead_org": city.orgs["houkatsu"].pk,
                          "lead_user": city.partner.pk, "lock_version": 2})
    assert r.status_code == 302
    case = Case.objects.get(pk=s.case.pk)
    assert case.lead_org_id == city.orgs["houkatsu"].pk and case.summary == "包括へ引き継ぎ"


def test_it_keeps_the_close_form_on_a_stale_version(city, client) -> None:
    s = setup_case(city)
    client.force_login(city.coordinator)
    r = client.post(f"/cases/{s.case.pk}/close/", {"reason": "goal_met", "evaluation": "達成",
                                                   "lock_version": 0})
    assert r.status_code == 400 and "他の職員が先にこのケースを更新しました" in r.content.decode()
    assert Case.objects.get(pk=s.case.pk).status == "intake"
