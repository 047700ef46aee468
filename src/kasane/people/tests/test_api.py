import pytest

from kasane.audit.models import AccessLog
from kasane.people.models import Consent, Person
from kasane.people.services import person_restriction_set
from kasane.people.tests.factories import actor, make_person

pytestmark = pytest.mark.django_db

PERSON = {"family_name": "山田", "given_name": "太郎", "family_name_kana": "ヤマダ",
          "given_name_kana": "タロウ", "birth_date": "1975-04-01", "address": "重ね市北町1-2-3",
          "phone": "03-1234-5678"}


def _client(client, user):
    client.force_login(user)
    return client


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_it_creates_a_person_and_gives_own_record(city, client) -> None:
    response = _post(_client(client, city.recorder), "/api/v1/persons", PERSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] and body["basis"] == "own_record" and body["birth_date"] == "1975-04-01"
    assert Person.objects.get().created_by_org == city.orgs["shougai"]


@pytest.mark.parametrize("field,value", [
    ("birth_date", "令和1年4月1日"), ("birth_date", "2024-02-30"), ("family_name_kana", "山田"),
])
def test_it_refuses_bad_person_input_with_field_errors(city, client, field, value) -> None:
    response = _post(_client(client, city.recorder), "/api/v1/persons", {**PERSON, field: value})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and field in body["errors"]
    assert not Person.objects.exists()


def test_it_accepts_wareki_birth_dates(city, client) -> None:
    response = _post(_client(client, city.recorder), "/api/v1/persons",
                     {**PERSON, "birth_date": "S50.4.1"})
    assert response.json()["birth_date"] == "1975-04-01"


def test_it_refuses_person_endpoints_to_non_case_roles(city, client) -> None:
    c = _client(client, city.auditor)
    assert _post(c, "/api/v1/persons", PERSON).status_code == 403
    assert c.get("/api/v1/persons?q=ヤマダ").status_code == 403


def test_it_searches_only_visible_persons(city, client) -> None:
    make_person(city.recorder, family_name="山田", family_name_kana="ヤマダ")
    hidden = make_person(city.partner, family_name="山田", family_name_kana="ヤマダ")
    body = _client(client, city.recorder).get("/api/v1/persons?q=やまだ").json()
    assert body["count"] == 1 and hidden.pk not in [i["id"] for i in body["items"]]
    assert client.get("/api/v1/persons?q=ﾔ").status_code == 400


def test_it_answers_404_for_invisible_and_nonexistent_alike(city, client) -> None:
    person = make_person(city.recorder)
    c = _client(client, city.partner)
    invisible, missing = c.get(f"/api/v1/persons/{person.pk}"), c.get("/api/v1/persons/999999")
    assert invisible.status_code == missing.status_code == 404
    assert invisible.json() == missing.json() == {"detail": "見つかりません。"}
    assert AccessLog.objects.filter(basis="denied", person_id=person.pk).exists()


def test_it_runs_the_consent_contract(city, client) -> None:
    person = make_person(city.recorder)
    c = _client(client, city.recorder)
    response = _post(c, f"/api/v1/persons/{person.pk}/consents", {
        "organization_ids": [city.orgs["houkatsu"].pk], "purposes": ["information_sharing"],
        "obtained_on": "2024-04-01", "method": "written"})
    assert response.status_code == 201, response.content
    consent_id = response.json()["id"]
    client.force_login(city.partner)
    detail = client.get(f"/api/v1/persons/{person.pk}")
    assert detail.status_code == 200 and detail.json()["basis"] == "consent"
    client.force_login(city.recorder)
    withdraw = _post(client, f"/api/v1/consents/{consent_id}/withdraw", {"reason": "本人の申出"})
    assert withdraw.status_code == 200 and withdraw.json()["withdrawn_on"]
    again = _post(client, f"/api/v1/consents/{consent_id}/withdraw", {"reason": "再度"})
    assert again.status_code == 400 and "既に撤回" in again.json()["detail"]
    client.force_login(city.partner)
    assert client.get(f"/api/v1/persons/{person.pk}").status_code == 404


@pytest.mark.parametrize("change,field", [
    ({"organization_ids": "OTHER"}, "organization_ids"),
    ({"obtained_on": "令和1年4月30日"}, "obtained_on"),
    ({"obtained_on": "2024-02-30"}, "obtained_on"),
    ({"method": "oral"}, "heard_by"),
    ({"purposes": ["nonsense"]}, "purposes"),
])
def test_it_refuses_bad_consents_with_field_errors(city, client, change, field) -> None:
    person = make_person(city.recorder)
    body = {"organization_ids": [city.orgs["houkatsu"].pk], "purposes": ["information_sharing"],
            "obtained_on": "2024-04-01", "method": "written", **change}
    if body["organization_ids"] == "OTHER":
        body["organization_ids"] = [city.other_org.pk]
    response = _post(_client(client, city.recorder), f"/api/v1/persons/{person.pk}/consents", body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Consent.objects.exists()


def test_it_masks_a_restricted_person_in_the_api(city, client) -> None:
    person = make_person(city.recorder)
    person_restriction_set(actor=actor(city.recorder), person=person, kind="dv",
                           user_ids=[city.coordinator.pk])
    c = _client(client, city.recorder)
    body = c.get(f"/api/v1/persons/{person.pk}").json()
    assert body["address"] == body["phone"] == "閲覧制限" and body["masked"] is True
    listed = c.get("/api/v1/persons?q=ヤマダ").json()["items"][0]
    assert listed["address"] == "閲覧制限"


def test_it_gives_disclosures_to_auditors_and_not_to_caseworkers(city, client) -> None:
    person = make_person(city.recorder)
    _client(client, city.partner).get(f"/api/v1/persons/{person.pk}")
    client.force_login(city.auditor)
    body = client.get(f"/api/v1/persons/{person.pk}/disclosures").json()
    assert {"user", "organization", "at", "action", "basis"} <= set(body["items"][0])
    assert {i["basis"] for i in body["items"]} >= {"own_record", "denied"}
    client.force_login(city.recorder)
    assert client.get(f"/api/v1/persons/{person.pk}/disclosures").status_code == 403
    client.force_login(city.coordinator)
    assert client.get(f"/api/v1/persons/{person.pk}/disclosures").status_code == 404


def test_it_grants_emergency_access_through_the_api(city, client) -> None:
    person = make_person(city.recorder)
    c = _client(client, city.outsider)
    response = _post(c, f"/api/v1/persons/{person.pk}/emergency-access",
                     {"reason": "訪問時に応答がなく、安否確認のため"})
    assert response.status_code == 201
    assert c.get(f"/api/v1/persons/{person.pk}").json()["basis"] == "emergency"
    assert _post(c, f"/api/v1/persons/{person.pk}/emergency-access",
                 {"reason": "短い"}).status_code == 400
