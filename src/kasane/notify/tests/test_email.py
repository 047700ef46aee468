"""E-mail through a REAL SMTP server (aiosmtpd on 127.0.0.1, started here): the message is
parsed and holds no name, address or alert summary; a relay that is down leaves a retried,
then failed, delivery — the notification itself is kept."""

from __future__ import annotations

import datetime as dt
import email
import socket
from email.message import Message
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from kasane.notify import services
from kasane.notify.models import DeliveryStatus, EmailDelivery, Notification
from kasane.people.tests.factories import actor, make_person

SUMMARY = "山田太郎さんが北町1-2-3の自宅で倒れている"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "kasane@city.example.lg.jp"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield inbox, controller
    if controller._thread is not None:  # a test may have stopped it (the relay is down)
        controller.stop()


def _raise(city) -> Any:
    person = make_person(city.recorder)
    return services.alert_raise(actor=actor(city.recorder), urgency="immediate",
                                summary=SUMMARY, needed="安否確認の訪問",
                                target_organization_ids=[city.orgs["houkatsu"].pk],
                                person_id=person.pk), person


def test_an_alert_mail_reaches_the_relay_without_personal_data(
        city, smtp, django_capture_on_commit_callbacks) -> None:
    inbox, _ = smtp
    city.partner.email = "partner@houkatsu.example.jp"
    city.partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        alert, person = _raise(city)
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "partner@houkatsu.example.jp"
    assert message["Subject"].strip() == f"[Kasane] 緊急案件（即時）#{alert.pk}が届きました"
    body = message.get_content()
    assert f"/alerts/{alert.pk}/" in body
    for secret in (person.family_name, person.given_name, person.address, person.phone,
                   "倒れている", "北町"):
        assert secret not in body and secret not in message["Subject"]
    row = EmailDelivery.objects.get()
    assert row.status == DeliveryStatus.SENT and row.attempts == 1


def test_a_relay_that_is_down_is_retried_then_failed_and_nothing_is_lost(
        city, smtp, settings, django_capture_on_commit_callbacks) -> None:
    _, controller = smtp
    controller.stop()  # the relay is down
    settings.KASANE_DELIVERY_MAX_ATTEMPTS = 3
    city.partner.email = "partner@houkatsu.example.jp"
    city.partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        alert, _ = _raise(city)
    row = EmailDelivery.objects.get()
    assert row.status == DeliveryStatus.RETRYING and row.attempts == 1
    assert row.last_error and row.next_attempt_at is not None
    assert Notification.objects.filter(user=city.partner, object_id=str(alert.pk)).exists()
    # the relay comes back: the due retry goes out
    inbox = Inbox()
    back = Controller(inbox, hostname="127.0.0.1", port=controller.port)
    back.start()
    try:
        sent = services.deliveries_retry_due(now=timezone.now() + dt.timedelta(hours=1))
    finally:
        back.stop()
    row.refresh_from_db()
    assert sent == 1 and row.status == DeliveryStatus.SENT and row.attempts == 2
    assert len(inbox.messages) == 1


def test_the_last_failed_attempt_leaves_a_visible_failed_state(city, smtp, settings) -> None:
    _, controller = smtp
    controller.stop()
    settings.KASANE_DELIVERY_MAX_ATTEMPTS = 2
    city.partner.email = "partner@houkatsu.example.jp"
    city.partner.save()
    _raise(city)  # on_commit not run: the periodic retry sends it
    later = timezone.now() + dt.timedelta(hours=1)
    services.deliveries_retry_due(now=later)
    services.deliveries_retry_due(now=later + dt.timedelta(hours=1))
    row = EmailDelivery.objects.get()
    assert row.status == DeliveryStatus.FAILED and row.attempts == 2
    assert services.deliveries_retry_due(now=later + dt.timedelta(days=1)) == 0


def test_no_mail_without_a_relay_or_an_address(city, settings,
                                               django_capture_on_commit_callbacks) -> None:
    settings.EMAIL_HOST = ""
    city.partner.email = "partner@houkatsu.example.jp"
    city.partner.save()
    _raise(city)
    assert not EmailDelivery.objects.exists()
