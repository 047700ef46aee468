import datetime as dt

import pytest
from django.utils import timezone

from kasane.cases.models import Case, Contact, Referral, SupportPlan
from kasane.people.tests.factories import make_consent, make_person

from .factories import make_plan, refer, setup_case

pytestmark = pytest.mark.django_db


def _post(client, url, body, method="post"):
    return getattr(client, method)(url, body, content_type="application/json")


def test_it_runs_the_contract_from_open_to_watching(city, client):
    person = make_person(city.coordinator)
    consent = make_consent(city.coordinator, person, [city.orgs["houkatsu"], city.orgs["shougai"]])
    client.force_login(city.coordinator)
    r = _post(client, "/api/v1/cases", {"person_ids": [person.pk], "summary": "ひきこもりの相談"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "intake" and body["status_label"] == "受付"
    cid = body["id"]
    r = _post(client, f"/api/v1/cases/{cid}/referrals", {
        "to_organization_id": city.orgs["shougai"].pk, "reason": "障害福祉サービスの検討",
        "consent_id": consent.pk})
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    client.force_login(city.recorder)
    assert client.get(f"/api/v1/cases/{cid}").status_code == 404
    r = _post(client, f"/api/v1/referrals/{rid}/accept", {})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert client.get(f"/api/v1/cases/{cid}").status_code == 200
    r = _post(client, f"/api/v1/cases/{cid}/contacts", {
        "at": (timezone.now() - dt.timedelta(hours=2)).isoformat(), "method": "visit",
        "reached": False, "summary": "不在", "tags": ["outreach", "multi_agency"]})
    assert r.status_code == 201, r.content
    client.force_login(city.coordinator)
    r = _post(client, f"/api/v1/cases/{cid}/close", {
        "reason": "connected", "evaluation": "つながりが安定", "watch": True,
        "watch_organization_id": city.orgs["shougai"].pk, "watch_method": "月1回の電話",
        "next_check_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat()})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "watching" and r.json()["status_label"] == "見守り継続"
    client.force_login(city.outsider)
    assert client.get(f"/api/v1/cases/{cid}").status_code == 404
    assert client.get("/api/v1/cases").json() == {"items": [], "count": 0}


def test_it_answers_bad_input_with_detail_and_saves_nothing(city, client):
    s = setup_case(city)
    ref = refer(s, city.orgs["shougai"])
    client.force_login(city.coordinator)
    r = _post(client, f"/api/v1/cases/{s.case.pk}/close", {"reason": "goal_met", "evaluation": "x"})
    assert r.status_code == 400 and "つなぎ" in r.json()["detail"] + str(r.json().get("errors"))
    r = _post(client, f"/api/v1/cases/{s.case.pk}/contacts", {
        "at": (timezone.now() + dt.timedelta(days=2)).isoformat(), "method": "phone",
        "reached": True, "summary": "未来", "tags": []})
    assert r.status_code == 400 and "at" in r.json()["errors"]
    r = _post(client, f"/api/v1/cases/{s.case.pk}/plans", {"goals": ["目標"], "review_on": "R9.4.1"})
    assert r.status_code == 400 and "lead_org" in r.json()["errors"]
    client.force_login(city.recorder)
    assert _post(client, f"/api/v1/referrals/{ref.pk}/decline", {"reason": "対象外"}).status_code == 200
    r = _post(client, f"/api/v1/referrals/{ref.pk}/accept", {})
    assert r.status_code == 400 and r.json()["detail"]
    assert Referral.objects.get(pk=ref.pk).status == "declined"
    assert Contact.objects.count() == 0 and SupportPlan.objects.count() == 0
    assert Case.objects.get(pk=s.case.pk).status == "intake"


def test_it_answers_a_stale_plan_version_with_409(city, client):
    s = setup_case(city)
    plan = make_plan(s, city)
    client.force_login(city.coordinator)
    body = {"goals": ["更新した目標"], "tasks": [], "lead_organization_id": city.orgs["city"].pk,
            "lead_user_id": city.coordinator.pk,
            "review_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
            "lock_version": 1}
    r = _post(client, f"/api/v1/plans/{plan.pk}", body, "put")
    assert r.status_code == 200, r.content
    r = _post(client, f"/api/v1/plans/{plan.pk}", {**body, "goals": ["別の更新"]}, "put")
    assert r.status_code == 409 and r.json()["detail"]
    assert SupportPlan.objects.get(pk=plan.pk).goals == [{"text": "更新した目標"}]


def test_it_requires_lock_version_on_a_plan_put(city, client):
    """Optimistic locking is not optional (issue 22 finding 5): no version → 422, no write."""
    s = setup_case(city)
    plan = make_plan(s, city)
    client.force_login(city.coordinator)
    body = {"goals": ["上書き"], "tasks": [], "lead_organization_id": city.orgs["city"].pk,
            "lead_user_id": city.coordinator.pk,
            "review_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat()}
    r = _post(client, f"/api/v1/plans/{plan.pk}", body, "put")
    assert r.status_code == 422 and "lock_version" in r.json()["errors"]
    assert SupportPlan.objects.get(pk=plan.pk).goals != [{"text": "上書き"}]
    r = _post(client, f"/api/v1/plans/{plan.pk}", {**body, "lock_version": 99}, "put")
    assert r.status_code == 409


def test_it_refuses_roles_without_case_work(city, client):
    client.force_login(city.liaison)
    assert client.get("/api/v1/cases").status_code == 403
