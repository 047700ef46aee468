import pytest

from kasane.people.tests.factories import actor

from .. import services
from ..models import MeetingType
from .factories import make_body, make_case, make_meeting

pytestmark = pytest.mark.django_db


def test_it_lists_upcoming_meetings_with_their_type(city, client):
    support = make_meeting(city, make_body(city, designated_from="地域ケア会議", name="地域ケア会議（個別）"))
    multi = make_meeting(city, make_body(city, MeetingType.MULTILAYER), days=5)
    client.force_login(city.partner)
    r = client.get("/api/v1/meetings?upcoming=1")
    assert r.status_code == 200
    items = r.json()["items"]
    assert [(i["id"], i["type"]) for i in items] == [(support.pk, "support_meeting"),
                                                    (multi.pk, "multilayer_meeting")]
    assert items[0]["body"] == "地域ケア会議（個別）" and set(items[0]) == {"id", "body", "type", "starts_at"}
    client.force_login(city.outsider)
    assert client.get("/api/v1/meetings?upcoming=1").json() == {"items": []}
    client.force_login(city.admin)
    assert client.get("/api/v1/meetings?upcoming=1").status_code == 403


def test_agenda_answers_201_or_409_without_consent(city, client):
    support = make_meeting(city, make_body(city))
    multi = make_meeting(city, make_body(city, MeetingType.MULTILAYER))
    s = make_case(city)
    client.force_login(city.coordinator)
    body = {"case_id": s.case.pk, "question": "支援の方向性"}
    r = client.post(f"/api/v1/meetings/{multi.pk}/agenda", body, content_type="application/json")
    assert r.status_code == 409 and r.json()["detail"].startswith("本人同意がありません")
    assert not multi.items.exists()
    r = client.post(f"/api/v1/meetings/{support.pk}/agenda", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["case_id"] == s.case.pk
    r = client.post(f"/api/v1/meetings/{support.pk}/agenda", {"case_id": s.case.pk, "question": ""},
                    content_type="application/json")
    assert r.status_code == 400 and "検討したいこと" in r.json()["detail"]


def test_agenda_of_another_tenant_or_an_invisible_case_is_404(city, client):
    meeting = make_meeting(city, make_body(city))
    s = make_case(city)
    client.force_login(city.partner)
    r = client.post(f"/api/v1/meetings/{meeting.pk}/agenda",
                    {"case_id": s.case.pk, "question": "x"}, content_type="application/json")
    assert r.status_code == 404
    r = client.post("/api/v1/meetings/999999/agenda", {"case_id": s.case.pk, "question": "x"},
                    content_type="application/json")
    assert r.status_code == 404


def test_pledge_endpoint_opens_the_case_to_the_member(city, client):
    meeting = make_meeting(city, make_body(city))
    s = make_case(city)
    services.agenda_add(actor=actor(city.coordinator), meeting=meeting, case_id=s.case.pk,
                        question="x")
    client.force_login(city.partner)
    assert client.get(f"/api/v1/cases/{s.case.pk}").status_code == 404
    r = client.post(f"/api/v1/meetings/{meeting.pk}/pledge", {}, content_type="application/json")
    assert r.status_code == 201
    assert client.get(f"/api/v1/cases/{s.case.pk}").status_code == 200
