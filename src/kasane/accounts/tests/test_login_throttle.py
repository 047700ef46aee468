"""Rate limit and timing of logins (issue 22 findings 7 and 8): after 5 failures for one
username from one address within 15 minutes both the login form and POST /api/v1/auth/token
answer 429 with Retry-After — unknown usernames too — and the password hasher runs whether
the account exists, is locked or not."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse
from django.utils import timezone

from kasane.accounts import services
from kasane.accounts.models import LoginFailure, User
from kasane.audit.models import AccessLog


def _login(client, username, password, ip="192.0.2.10"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       REMOTE_ADDR=ip)


def _token(client, username, password, ip="192.0.2.10"):
    return client.post("/api/v1/auth/token", {"username": username, "password": password},
                       content_type="application/json", REMOTE_ADDR=ip)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["recorder", "nobody-at-all"])
def test_the_form_answers_429_after_five_failures(city, client, username) -> None:
    for _ in range(5):
        assert _login(client, username, "wrong-password").status_code == 400
    throttled = _login(client, username, "wrong-password")
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 15 * 60
    assert "分後にもう一度" in throttled.content.decode()
    assert AccessLog.objects.filter(action="login", detail="throttled").exists()


@pytest.mark.django_db
def test_the_right_password_is_throttled_too_but_another_address_is_not(city, client, settings) -> None:
    settings.KASANE_LOCKOUT_THRESHOLD = 50  # the account lock is another guard, tested elsewhere
    for _ in range(5):
        _login(client, "partner", "wrong-password")
    assert _login(client, "partner", city.password).status_code == 429
    assert _login(client, "partner", city.password, ip="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_the_api_answers_429_with_retry_after(city, client) -> None:
    for _ in range(5):
        assert _token(client, "nobody-at-all", "wrong-password").status_code == 401
    r = _token(client, "nobody-at-all", "wrong-password")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0 and r.json()["detail"]


@pytest.mark.django_db
def test_successes_are_never_throttled_and_clear_the_failures(city, client) -> None:
    for _ in range(4):
        _login(client, "recorder", "wrong-password")
    assert _login(client, "recorder", city.password).status_code == 302
    assert not LoginFailure.objects.exists()
    client.logout()
    for _ in range(20):
        assert _login(client, "recorder", city.password).status_code == 302
        client.logout()


@pytest.mark.django_db
def test_failures_older_than_the_window_do_not_count(city, client) -> None:
    for _ in range(5):
        _login(client, "recorder", "wrong-password")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert services.login_wait_seconds(username="recorder", ip="192.0.2.10") == 0
    assert _login(client, "recorder", "wrong-password").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["unknown", "unlocked", "locked"])
def test_the_password_hasher_runs_whatever_the_account_state(city, client, monkeypatch, case) -> None:
    username = {"unknown": "nobody-at-all", "unlocked": "recorder", "locked": "partner"}[case]
    User.objects.filter(username="partner").update(
        locked_until=timezone.now() + dt.timedelta(minutes=10))
    calls = []
    original = MD5PasswordHasher.encode
    monkeypatch.setattr(MD5PasswordHasher, "encode",
                        lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    assert _login(client, username, "wrong-password").status_code == 400
    assert calls, f"no password hashing for a {case} account"


@pytest.mark.django_db
def test_a_forged_forwarded_address_does_not_dodge_the_limit(city, client, settings) -> None:
    """Behind the proxy the address is the one the proxy appended, not what the client sent."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for i in range(6):
        response = client.post(reverse("accounts:login"),
                               {"username": "nobody-at-all", "password": "wrong-password"},
                               HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.9")
    assert response.status_code == 429
    assert AccessLog.objects.filter(action="login", ip="203.0.113.9").exists()
