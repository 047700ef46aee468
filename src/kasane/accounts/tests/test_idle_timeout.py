import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone


@pytest.mark.django_db
def test_it_renews_the_idle_deadline_on_every_request(city, client, settings) -> None:
    client.force_login(city.recorder)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(seconds=30))
    assert client.get("/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    idle = dt.timedelta(minutes=settings.KASANE_IDLE_TIMEOUT_MINUTES)
    assert renewed > timezone.now() + idle - dt.timedelta(minutes=1)


@pytest.mark.django_db
def test_it_logs_out_when_idle_too_long(city, client) -> None:
    client.force_login(city.recorder)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_it_does_not_write_the_session_again_within_the_renew_interval(city, client, settings) -> None:
    client.force_login(city.recorder)
    key = client.session.session_key
    assert client.get("/").status_code == 200  # renews (no renewal recorded yet)
    soon = timezone.now() + dt.timedelta(minutes=5)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get("/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == soon


@pytest.mark.django_db
def test_it_renews_again_once_the_renew_interval_has_passed(city, client, settings) -> None:
    settings.KASANE_SESSION_RENEW_SECONDS = 0
    client.force_login(city.recorder)
    key = client.session.session_key
    assert client.get("/").status_code == 200
    soon = timezone.now() + dt.timedelta(minutes=5)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get("/").status_code == 200
    idle = dt.timedelta(minutes=settings.KASANE_IDLE_TIMEOUT_MINUTES)
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + idle - dt.timedelta(minutes=1)
