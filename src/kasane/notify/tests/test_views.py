"""Screens: notification list with the header badge, mark read, settings, the alert form,
alert page (ack, take, resolve), banner, webhooks (admin/coordinator only)."""

from __future__ import annotations

import pytest

from kasane.cases.tests.factories import refer, setup_case
from kasane.notify.models import Alert, Notification, Webhook

pytestmark = pytest.mark.django_db


def test_the_header_shows_the_unread_count_and_the_list_marks_read(city, client) -> None:
    s = setup_case(city)
    refer(s, city.orgs["houkatsu"])
    client.force_login(city.partner)
    home = client.get("/").content.decode()
    assert 'data-testid="notify-count">1<' in home
    page = client.get("/notifications/").content.decode()
    assert "つなぎの依頼が届きました" in page and "未読 1件" in page
    note = Notification.objects.get(user=city.partner)
    r = client.post(f"/notifications/{note.pk}/read/", {"go": "1"})
    assert r.status_code == 302 and r["Location"] == note.url
    assert 'data-testid="notify-count">0<' in client.get("/notifications/badge/").content.decode()


def test_the_outsider_sees_no_notification(city, client) -> None:
    s = setup_case(city)
    refer(s, city.orgs["houkatsu"])
    client.force_login(city.outsider)
    assert "通知はありません" in client.get("/notifications/").content.decode()
    note = Notification.objects.get(user=city.partner)
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 404


def test_settings_are_saved(city, client) -> None:
    client.force_login(city.partner)
    assert client.get("/notifications/settings/").status_code == 200
    r = client.post("/notifications/settings/", {"referral_received-email": "on"})
    assert r.status_code == 302
    page = client.get("/notifications/settings/").content.decode()
    assert 'name="referral_received-email" aria-label="つなぎの依頼が届いた：メール" checked' in page


def test_raise_acknowledge_take_and_resolve_through_the_screens(city, client) -> None:
    client.force_login(city.recorder)
    r = client.post("/alerts/new/", {"urgency": "", "summary": "", "needed": ""})
    assert r.status_code == 400
    text = r.content.decode()
    assert "緊急度を選んでください" in text or "必須" in text or "入力してください" in text
    r = client.post("/alerts/new/", {"urgency": "immediate", "summary": "倒れているとの通報",
                                     "needed": "訪問", "target_organization_ids":
                                     [str(city.orgs["houkatsu"].pk)]})
    assert r.status_code == 302, r.content.decode()[:2000]
    alert = Alert.objects.get()
    client.force_login(city.partner)
    assert "緊急案件（即時）#" in client.get("/alerts/banner/").content.decode()
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "倒れているとの通報" in page and 'data-testid="ack"' in page
    client.post(f"/alerts/{alert.pk}/ack/")
    assert "緊急案件（即時）#" not in client.get("/alerts/banner/").content.decode()
    client.post(f"/alerts/{alert.pk}/take/")
    alert.refresh_from_db()
    assert alert.status == "in_progress"
    client.post(f"/alerts/{alert.pk}/resolve/", {"note": "無事"})
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert "解決" in client.get(f"/alerts/{alert.pk}/").content.decode()
    client.force_login(city.outsider)
    assert client.get(f"/alerts/{alert.pk}/").status_code == 404
    assert client.get("/alerts/").status_code == 200


def test_alert_screens_refuse_the_admin(city, client) -> None:
    client.force_login(city.admin)
    assert client.get("/alerts/new/").status_code == 403


def test_webhooks_page_validates_the_url(city, client, settings) -> None:
    settings.KASANE_WEBHOOK_ALLOWED_HOSTS = ["chat.example.lg.jp"]
    client.force_login(city.partner)
    assert client.get("/notifications/webhooks/").status_code == 403
    client.force_login(city.admin)
    r = client.post("/notifications/webhooks/", {"name": "LINE WORKS", "url": "http://chat.example.lg.jp/x"})
    assert r.status_code == 400 and "https://" in r.content.decode()
    r = client.post("/notifications/webhooks/", {"name": "bot", "url": "https://evil.example.com/x"})
    assert r.status_code == 400 and "許可したホスト" in r.content.decode()
    assert not Webhook.objects.exists()


def test_a_name_is_shown_only_while_the_reader_may_see_the_person(city, client) -> None:
    from kasane.notify import services
    from kasane.people.tests.factories import actor, make_consent, make_person

    person = make_person(city.recorder)
    services.alert_raise(actor=actor(city.recorder), urgency="soon", summary="s", needed="n",
                         person_id=person.pk, target_organization_ids=[city.orgs["houkatsu"].pk])
    assert Notification.objects.get(user=city.partner).person_id == person.pk
    client.force_login(city.partner)
    assert person.full_name not in client.get("/notifications/").content.decode()
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    assert f"（{person.full_name} さん）" in client.get("/notifications/").content.decode()


def test_the_person_page_offers_to_raise_an_alert(city, client) -> None:
    from kasane.people.tests.factories import make_person

    person = make_person(city.recorder)
    client.force_login(city.recorder)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert f"/alerts/new/?person={person.pk}" in page
    r = client.post(f"/alerts/new/?person={person.pk}", {
        "urgency": "today", "summary": "連絡が取れない", "needed": "訪問",
        "to_rota": "on"})
    assert r.status_code == 302
    assert Alert.objects.get().person_id == person.pk


def test_an_admin_registers_stops_and_sees_the_delivery_log(city, client, settings) -> None:
    from kasane.notify.models import WebhookDelivery

    settings.KASANE_WEBHOOK_ALLOWED_HOSTS = ["10.20.30.40"]
    client.force_login(city.admin)
    r = client.post("/notifications/webhooks/", {"name": "庁内チャット",
                                                 "url": "https://10.20.30.40/hook"})
    assert r.status_code == 302
    hook = Webhook.objects.get()
    assert hook.organization == city.orgs["city"] and len(hook.secret) > 30
    WebhookDelivery.objects.create(webhook=hook, kind="alert", status="failed", attempts=5,
                                   last_status_code=500, last_error="HTTP 500")
    page = client.get("/notifications/webhooks/").content.decode()
    assert "HTTP 500" in page and "失敗" in page
    client.post(f"/notifications/webhooks/{hook.pk}/toggle/", {"active": "0"})
    hook.refresh_from_db()
    assert not hook.active
    client.force_login(city.other_admin)
    assert client.post(f"/notifications/webhooks/{hook.pk}/toggle/",
                       {"active": "1"}).status_code == 404


def test_the_settings_page_shows_my_failed_mails(city, client) -> None:
    from kasane.notify.models import EmailDelivery

    EmailDelivery.objects.create(user=city.partner, subject="[Kasane] つなぎの依頼が届きました",
                                 body="x", status="failed", attempts=5,
                                 last_error="ConnectionRefusedError")
    EmailDelivery.objects.create(user=city.outsider, subject="[Kasane] 他人あて", body="x")
    client.force_login(city.partner)
    page = client.get("/notifications/settings/").content.decode()
    assert "ConnectionRefusedError" in page and "失敗" in page and "他人あて" not in page
