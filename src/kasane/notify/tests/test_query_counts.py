"""N+1 guards (issue 13): the notification list, its API, the alert list and an alert page run
as many queries with 25 rows as with one."""

from __future__ import annotations

import pytest

from kasane.core.testing import assert_flat_queries
from kasane.notify import services
from kasane.notify.services.notifications import notify
from kasane.people.tests.factories import actor, make_person

pytestmark = pytest.mark.django_db


def test_notifications_page_and_api(city, client) -> None:
    partner = actor(city.partner)
    person = make_person(city.partner)

    def add(n):
        for i in range(n):
            notify(memberships=[partner], kind="referral_received", title=f"件名{i}",
                   url="/", person_id=person.pk)

    client.force_login(city.partner)
    assert_flat_queries(add, lambda: client.get("/notifications/"), label="GET /notifications/",
                        check=lambda r, n: r.content.decode().count("notification-unread") == n)
    assert_flat_queries(add, lambda: client.get("/api/v1/notifications?unread=1"),
                        label="GET /api/v1/notifications",
                        check=lambda r, n: r.json()["count"] == n)


def test_alert_list_and_page(city, client) -> None:
    recorder = actor(city.recorder)
    made = []

    def add(n):
        for _ in range(n):
            made.append(services.alert_raise(actor=recorder, urgency="today", summary="s",
                                              needed="n", target_organization_ids=[
                                                  city.orgs["houkatsu"].pk, city.orgs["city"].pk]))

    client.force_login(city.recorder)
    assert_flat_queries(add, lambda: client.get("/alerts/"), label="GET /alerts/",
                        check=lambda r, n: all(f"/alerts/{a.pk}/" in r.content.decode()
                                               for a in made))


def test_the_alert_page_with_many_recipients_and_steps(city, client) -> None:
    from kasane.accounts.models import Membership, Role, User
    from kasane.notify.models import AlertEvent, AlertRecipient

    alert = services.alert_raise(actor=actor(city.recorder), urgency="soon", summary="s",
                                 needed="n", target_organization_ids=[city.orgs["houkatsu"].pk])

    def add(n):
        for _ in range(n):
            i = User.objects.count()
            user = User.objects.create_user(username=f"r{i}", password=None,
                                            municipality=city.municipality)
            Membership.objects.create(user=user, organization=city.orgs["houkatsu"],
                                      role=Role.CASEWORKER)
            AlertRecipient.objects.create(alert=alert, user=user,
                                          organization=city.orgs["houkatsu"])
            AlertEvent.objects.create(alert=alert, kind="note", text=f"経過{i}",
                                      organization=city.orgs["houkatsu"])

    client.force_login(city.recorder)
    assert_flat_queries(add, lambda: client.get(f"/alerts/{alert.pk}/"),
                        label="GET /alerts/<id>/",
                        check=lambda r, n: r.content.decode().count("経過") >= n)
    assert_flat_queries(add, lambda: client.get(f"/alerts/{alert.pk}/live/"),
                        label="GET /alerts/<id>/live/",
                        check=lambda r, n: r.content.decode().count("経過") >= n)


def test_raising_an_alert_to_1_or_25_recipients_runs_the_same_queries(city, settings) -> None:
    """The recipients, their notifications and e-mails are written in bulk."""
    from kasane.accounts.models import Membership, Role, User

    settings.EMAIL_HOST = "127.0.0.1"  # e-mail rows are queued too (sent after commit)

    def add(n):
        for _ in range(n):
            i = User.objects.count()
            user = User.objects.create_user(username=f"m{i}", password=None, email=f"m{i}@x.jp",
                                            municipality=city.municipality)
            Membership.objects.create(user=user, organization=city.orgs["shakyo"],
                                      role=Role.CASEWORKER)

    recorder = actor(city.recorder)
    assert_flat_queries(add, lambda: services.alert_raise(
        actor=recorder, urgency="today", summary="s", needed="n",
        target_organization_ids=[city.orgs["shakyo"].pk]), label="alert_raise", status=None)


def test_rota_and_webhook_pages(city, client) -> None:
    from django.utils import timezone

    from kasane.accounts.models import Membership, Role, User
    from kasane.notify.models import RotaShift, Webhook, WebhookDelivery

    monday = RotaShift.monday(timezone.localdate())
    hook = Webhook.objects.create(municipality=city.municipality, organization=city.orgs["city"],
                                  name="bot", url="https://10.0.0.1/", secret="s",
                                  created_by=city.admin)

    def add(n):
        for _ in range(n):
            i = User.objects.count()
            user = User.objects.create_user(username=f"w{i}", password=None,
                                            municipality=city.municipality)
            m = Membership.objects.create(user=user, organization=city.orgs["shakyo"],
                                          role=Role.CASEWORKER)
            RotaShift.objects.create(municipality=city.municipality, week_start=monday,
                                     membership=m, order=1)
            WebhookDelivery.objects.create(webhook=hook, kind="alert")

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get("/alerts/rota/"), label="GET /alerts/rota/",
                        check=lambda r, n: r.content.decode().count("外す") == n)
    client.force_login(city.admin)
    assert_flat_queries(add, lambda: client.get("/notifications/webhooks/"),
                        label="GET /notifications/webhooks/",
                        check=lambda r, n: r.content.decode().count("送信待ち") == min(n, 50))
