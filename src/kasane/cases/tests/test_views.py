import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kasane.cases.models import Case, Contact, Referral, SupportPlan

from .factories import make_plan, refer, setup_case

pytestmark = pytest.mark.django_db


def test_it_lists_and_shows_a_case_to_involved_orgs_only(city, client):
    s = setup_case(city)
    client.force_login(city.coordinator)
    r = client.get("/cases/")
    assert r.status_code == 200 and f"#{s.case.pk}" in r.content.decode()
    r = client.get(f"/cases/{s.case.pk}/")
    assert r.status_code == 200 and "関与機関と根拠" in r.content.decode()
    client.force_login(city.outsider)
    assert client.get(f"/cases/{s.case.pk}/").status_code == 404
    assert f"#{s.case.pk}" not in client.get("/cases/").content.decode()
    client.force_login(city.liaison)
    assert client.get("/cases/").status_code == 403


def test_it_opens_a_case_from_the_form(city, client):
    from kasane.people.tests.factories import make_person

    person = make_person(city.coordinator)
    client.force_login(city.coordinator)
    r = client.post("/cases/new/", {"person_ids": str(person.pk), "summary": "相談", "triage": "3",
                                    "tags": ["comprehensive"]})
    assert r.status_code == 302
    assert Case.objects.get().status == "intake"
    client.force_login(city.outsider)
    r = client.post("/cases/new/", {"person_ids": str(person.pk), "summary": "相談"})
    assert r.status_code == 400 and Case.objects.count() == 1


def test_it_lets_the_receiving_org_answer_without_seeing_the_case(city, client):
    s = setup_case(city)
    ref = refer(s, city.orgs["shougai"])
    client.force_login(city.recorder)
    r = client.get(f"/cases/referrals/{ref.pk}/")
    assert r.status_code == 200 and "受理すると閲覧できます" in r.content.decode()
    r = client.post(f"/cases/referrals/{ref.pk}/", {"answer": "propose", "text": ""})
    assert r.status_code == 400
    r = client.post(f"/cases/referrals/{ref.pk}/", {"answer": "propose", "text": "まず就労相談を"})
    assert r.status_code == 302 and Referral.objects.get(pk=ref.pk).status == "proposed"
    client.force_login(city.outsider)
    assert client.get(f"/cases/referrals/{ref.pk}/").status_code == 404


def test_it_records_a_failed_visit(city, client):
    s = setup_case(city)
    client.force_login(city.coordinator)
    at = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/cases/{s.case.pk}/contacts/new/", {
        "at": at, "method": "visit", "reached": "0", "not_reached_reason": "不在",
        "summary": "訪問したが不在", "tags": ["outreach"]})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Contact.objects.get().reached is False
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/cases/{s.case.pk}/contacts/new/", {
        "at": future, "method": "visit", "reached": "1", "summary": "x"})
    assert r.status_code == 400 and "未来" in r.content.decode()


def test_it_shows_the_conflict_page_when_two_sessions_edit_one_plan(city):
    s = setup_case(city)
    plan = make_plan(s, city)
    first, second = Client(), Client()
    first.force_login(city.coordinator)
    second.force_login(city.coordinator)
    url = f"/cases/plans/{plan.pk}/edit/"
    assert first.get(url).status_code == 200 and second.get(url).status_code == 200
    review = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    base = {"lead_org": city.orgs["city"].pk, "lead_user": city.coordinator.pk,
            "review_on": review, "lock_version": 1}
    r1 = first.post(url, {**base, "goals": "一人目の目標"})
    assert r1.status_code == 302
    r2 = second.post(url, {**base, "goals": "二人目の目標"})
    assert r2.status_code == 409
    body = r2.content.decode()
    assert "二人目の目標" in body and "一人目の目標" in body
    assert SupportPlan.objects.get(pk=plan.pk).goals == [{"text": "一人目の目標"}]


def test_it_closes_into_watching_from_the_form(city, client):
    s = setup_case(city)
    client.force_login(city.coordinator)
    url = f"/cases/{s.case.pk}/close/"
    r = client.post(url, {"reason": "connected", "evaluation": "安定", "watch": "on",
                          "lock_version": 1})
    assert r.status_code == 400
    r = client.post(url, {"reason": "connected", "evaluation": "安定", "watch": "on",
                          "watch_org": city.orgs["shakyo"].pk, "watch_method": "月1回の電話",
                          "next_check_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
                          "lock_version": 1})
    assert r.status_code == 302
    assert Case.objects.get(pk=s.case.pk).status == "watching"
    client.force_login(city.partner)
    assert client.get(url).status_code == 404
