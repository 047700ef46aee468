"""Webhooks through a REAL local HTTP receiver (started here): 500 then 200 proves the retry,
the HMAC-SHA256 signature checks, the JSON body has no personal data; a receiver that times
out is retried; URLs that are not https, not allow-listed, or point to loopback / link-local /
metadata addresses are refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kasane.notify import services
from kasane.notify.models import DeliveryStatus, Notification, Webhook, WebhookDelivery
from kasane.notify.webhook_urls import UnsafeURL, check_url
from kasane.people.tests.factories import actor, make_person

SUMMARY = "山田太郎さんが自宅で倒れている"


class Receiver:
    def __init__(self, answers: list[int], delay: float = 0.0) -> None:
        self.answers, self.delay = list(answers), delay
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                time.sleep(receiver.delay)
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.handle_error = lambda *args: None  # type: ignore[method-assign]  # a client that gave up
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hooks(settings):
    settings.KASANE_WEBHOOK_ALLOW_LOOPBACK = True
    settings.KASANE_WEBHOOK_ALLOWED_HOSTS = []
    settings.KASANE_BASE_URL = "https://kasane.city.example.lg.jp"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_HOST = ""
    made: list[Receiver] = []

    def start(answers: list[int], delay: float = 0.0) -> Receiver:
        made.append(Receiver(answers, delay))
        return made[-1]

    yield start
    for r in made:
        r.close()


def _hook(city, url: str) -> Webhook:
    from kasane.accounts.models import Membership, Role

    admin = Membership.objects.create(user=city.admin, organization=city.orgs["houkatsu"],
                                      role=Role.ADMIN)
    return services.webhook_create(actor=admin, name="LINE WORKS", url=url)


def _raise(city) -> Any:
    person = make_person(city.recorder)
    return services.alert_raise(actor=actor(city.recorder), urgency="today", summary=SUMMARY,
                                needed="訪問", person_id=person.pk,
                                target_organization_ids=[city.orgs["houkatsu"].pk]), person


def test_500_then_200_is_retried_and_signed(city, hooks,
                                            django_capture_on_commit_callbacks) -> None:
    receiver = hooks([500])
    hook = _hook(city, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        alert, person = _raise(city)
    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.RETRYING and row.last_status_code == 500
    assert row.attempts == 1 and row.next_attempt_at > timezone.now()
    assert services.deliveries_retry_due() == 0  # not due yet
    services.deliveries_retry_due(now=timezone.now() + dt.timedelta(hours=1))
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 2 and row.last_status_code == 200
    assert len(receiver.requests) == 2
    headers, body = receiver.requests[-1]
    expected = "sha256=" + hmac.new(hook.secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Kasane-Signature"] == expected
    assert headers["X-Kasane-Event"] == "alert"
    payload = json.loads(body)
    assert payload["urgency"] == "today" and payload["urgency_label"] == "即日"
    assert payload["url"] == f"https://kasane.city.example.lg.jp/alerts/{alert.pk}/"
    text = body.decode()
    for secret in ("倒れている", person.family_name, person.address, person.phone):
        assert secret not in text


def test_a_receiver_that_times_out_is_retried_and_the_alert_kept(
        city, hooks, settings, django_capture_on_commit_callbacks) -> None:
    settings.KASANE_WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver = hooks([200], delay=1.0)
    _hook(city, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        alert, _ = _raise(city)
    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.RETRYING and "timed out" in row.last_error.lower()
    assert Notification.objects.filter(object_id=str(alert.pk), kind="alert").exists()


@pytest.mark.parametrize(("url", "words"), [
    ("http://chat.example.lg.jp/x", "https://"),
    ("https://evil.example.com/x", "許可したホスト"),
    ("https://user:pw@chat.example.lg.jp/x", "パスワード"),
    ("ftp://chat.example.lg.jp/x", "https://"),
])
def test_it_refuses_unsafe_urls(settings, url: str, words: str) -> None:
    settings.KASANE_WEBHOOK_ALLOWED_HOSTS = ["chat.example.lg.jp"]
    with pytest.raises(UnsafeURL) as exc:
        check_url(url, resolve_host=False)
    assert words in str(exc.value)


@pytest.mark.parametrize("host", ["localhost", "169.254.169.254", "127.0.0.1", "[::1]",
                                  "0.0.0.0"])
def test_it_refuses_loopback_link_local_and_metadata_even_when_allow_listed(settings,
                                                                            host: str) -> None:
    settings.KASANE_WEBHOOK_ALLOWED_HOSTS = [host.strip("[]")]
    settings.KASANE_WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(UnsafeURL) as exc:
        check_url(f"https://{host}/hook")
    assert "ループバック" in str(exc.value)


def test_production_never_allows_loopback(settings) -> None:
    settings.PRODUCTION = True
    settings.KASANE_WEBHOOK_ALLOW_LOOPBACK = True
    with pytest.raises(UnsafeURL):
        check_url("http://127.0.0.1:9/hook")


def test_a_private_lgwan_address_is_allowed(settings) -> None:
    settings.KASANE_WEBHOOK_ALLOWED_HOSTS = ["10.20.30.40"]
    assert check_url("https://10.20.30.40/hook") == "https://10.20.30.40/hook"


def test_only_admins_and_coordinators_register_webhooks(city, settings) -> None:
    from django.core.exceptions import PermissionDenied

    settings.KASANE_WEBHOOK_ALLOWED_HOSTS = ["10.20.30.40"]
    with pytest.raises(PermissionDenied):
        services.webhook_create(actor=actor(city.partner), name="x", url="https://10.20.30.40/")
    with pytest.raises(ValidationError) as exc:
        services.webhook_create(actor=actor(city.admin), name="", url="https://10.20.30.40/")
    assert set(exc.value.message_dict) == {"name"}
