"""API contract: GET /api/v1/notifications, mark read, POST /api/v1/alerts (422 without a
target), POST /api/v1/alerts/{id}/ack."""

from __future__ import annotations

import pytest

from kasane.cases.tests.factories import refer, setup_case
from kasane.notify.models import Alert, Notification

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_it_lists_unread_notifications_in_the_contract_shape(city, client) -> None:
    s = setup_case(city)
    ref = refer(s, city.orgs["houkatsu"])
    client.force_login(city.partner)
    body = client.get("/api/v1/notifications?unread=1").json()
    assert body["count"] == 1 and body["unread"] == 1
    item = body["items"][0]
    assert set(item) >= {"id", "kind", "title", "url", "created_at", "read"}
    assert item["kind"] == "referral_received" and item["read"] is False
    assert item["url"] == f"/cases/referrals/{ref.pk}/"
    r = _post(client, f"/api/v1/notifications/{item['id']}/read")
    assert r.status_code == 200 and r.json() == {"id": item["id"], "read": True}
    assert client.get("/api/v1/notifications?unread=1").json()["count"] == 0
    assert client.get("/api/v1/notifications").json()["items"][0]["read"] is True


def test_nobody_marks_anothers_notification(city, client) -> None:
    s = setup_case(city)
    refer(s, city.orgs["houkatsu"])
    note = Notification.objects.get(user=city.partner)
    client.force_login(city.outsider)
    assert _post(client, f"/api/v1/notifications/{note.pk}/read").status_code == 404
    assert client.get("/api/v1/notifications").json() == {"items": [], "count": 0, "unread": 0}


def test_it_raises_and_acknowledges_an_alert(city, client) -> None:
    client.force_login(city.recorder)
    r = _post(client, "/api/v1/alerts", {
        "case_id": None, "urgency": "today", "summary": "自宅で転倒", "needed": "訪問",
        "target_organization_ids": [city.orgs["houkatsu"].pk], "to_rota": False})
    assert r.status_code == 201, r.content
    assert r.json() == {"id": r.json()["id"], "status": "raised"}
    aid = r.json()["id"]
    client.force_login(city.partner)
    r = _post(client, f"/api/v1/alerts/{aid}/ack")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    client.force_login(city.outsider)
    assert _post(client, f"/api/v1/alerts/{aid}/ack").status_code == 404


def test_an_alert_without_a_target_is_422(city, client) -> None:
    client.force_login(city.recorder)
    r = _post(client, "/api/v1/alerts", {"person_id": None, "urgency": "immediate",
                                         "summary": "x", "needed": "y",
                                         "target_organization_ids": [], "to_rota": False})
    assert r.status_code == 422
    assert "target_organization_ids" in r.json()["errors"]
    assert not Alert.objects.exists()


def test_the_admin_cannot_raise(city, client) -> None:
    client.force_login(city.admin)
    r = _post(client, "/api/v1/alerts", {"urgency": "soon", "summary": "x", "needed": "y",
                                         "to_rota": True})
    assert r.status_code == 403
