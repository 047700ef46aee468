"""OpenID Connect SSO against a REAL provider (django-oidc-provider) started by the test.

The provider runs as its own Django project (``oidc_provider/``) in a subprocess on a free
port of 127.0.0.1 with its own SQLite file. The browser side of the code flow goes through
``requests`` to the provider and Django's test client to Kasane; Kasane's callback talks to
the provider over real HTTP (token, JWKS, userinfo).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from kasane.accounts.models import User
from kasane.audit.models import AccessLog, Basis

CLIENT_ID = "kasane-test"
SECRET = "kasane-test-secret-0123456789"
CALLBACK = "http://testserver/accounts/oidc/callback/"
OP_USERS = [
    {"username": "op-recorder", "email": "recorder@city.example.jp", "password": "op-pass-1"},
    {"username": "op-mfa", "email": "coordinator@city.example.jp", "password": "op-pass-2",
     "amr": ["pwd", "otp"]},
    {"username": "op-stranger", "email": "stranger@example.jp", "password": "op-pass-3"},
    {"username": "op-other-aud", "email": "partner@city.example.jp", "password": "op-pass-4",
     "aud": "some-other-client"},
]
SRC = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def op(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider's base URL while it runs."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(SRC), "KASANE_TEST_OP_URL": base,
           "KASANE_TEST_OP_DB": str(tmp_path_factory.mktemp("op") / "op.sqlite3"),
           "KASANE_TEST_OP_USERS": json.dumps(OP_USERS)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kasane.accounts.tests.oidc_provider.server", str(port),
         CLIENT_ID, SECRET, CALLBACK],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 25
        while True:
            try:
                if requests.get(f"{base}/openid/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None, "the test OpenID provider stopped"
            assert time.monotonic() < deadline, "the test OpenID provider did not start"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def sso(settings, op: str) -> str:
    settings.KASANE_OIDC_ENABLED = True
    settings.KASANE_OIDC_ISSUER = f"{op}/openid"
    settings.KASANE_OIDC_MATCH_CLAIM = "email"
    settings.KASANE_OIDC_CREATE_USERS_IN = ""
    settings.OIDC_CREATE_USER = False
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{op}/openid/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{op}/openid/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{op}/openid/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{op}/openid/jwks"
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend",
                                        "kasane.accounts.oidc.KasaneOIDCBackend"]
    settings.KASANE_REQUIRE_MFA = True
    return op


@pytest.fixture
def staff(city) -> object:
    for user, email in ((city.recorder, "recorder@city.example.jp"),
                        (city.coordinator, "coordinator@city.example.jp"),
                        (city.partner, "partner@city.example.jp")):
        user.email = email
        user.save(update_fields=["email"])
    return city


def _sign_in_at_provider(client: Client, op: str, username: str, password: str,
                         start: str = "/accounts/oidc/authenticate/") -> object:
    """The browser's walk: Kasane → provider login → provider authorize → Kasane callback."""
    first = client.get(start)
    assert first.status_code == 302 and first["Location"].startswith(f"{op}/openid/authorize")
    browser = requests.Session()
    to_login = browser.get(first["Location"], allow_redirects=False, timeout=10)
    login_url = urljoin(op, to_login.headers["Location"])
    browser.get(login_url, timeout=10)
    done = browser.post(login_url, data={"username": username, "password": password,
                                         "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                                         "next": dict(p.split("=", 1) for p in
                                                      urlsplit(login_url).query.split("&"))["next"]},
                        headers={"Referer": login_url}, allow_redirects=False, timeout=10)
    authorize = browser.get(urljoin(op, requests.utils.unquote(done.headers["Location"])),
                            allow_redirects=False, timeout=10)
    back = authorize.headers["Location"]
    assert back.startswith(CALLBACK), back
    return client.get(back[len("http://testserver"):])


@pytest.mark.django_db
def test_it_matches_an_existing_account_and_still_asks_for_the_second_factor(sso, staff) -> None:
    client = Client()
    response = _sign_in_at_provider(client, sso, "op-recorder", "op-pass-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp")
    assert client.session["_auth_user_id"] == str(staff.recorder.pk)
    # the provider gave no amr: every page stays closed until Kasane's own TOTP step
    assert client.get("/").headers["Location"] == reverse("accounts:otp")
    row = AccessLog.objects.get(action="login", basis=Basis.NOT_PERSONAL, user_id=staff.recorder.pk)
    assert row.detail == "oidc"


@pytest.mark.django_db
def test_it_trusts_the_providers_second_factor_from_amr(sso, staff) -> None:
    client = Client()
    response = _sign_in_at_provider(client, sso, "op-mfa", "op-pass-2")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AccessLog.objects.filter(action="login", user_id=staff.coordinator.pk,
                                    detail="oidc mfa by provider").exists()
    # the marker device never accepts a code typed on Kasane's OTP page
    device = StaticDevice.objects.get(user=staff.coordinator)
    assert device.confirmed and not device.token_set.exists()
    assert not device.verify_token("123456")


@pytest.mark.django_db
def test_a_deactivated_account_loses_its_sso_session(sso, staff) -> None:
    client = Client()
    _sign_in_at_provider(client, sso, "op-mfa", "op-pass-2")
    assert client.get("/").status_code == 200
    User.objects.filter(pk=staff.coordinator.pk).update(is_active=False)
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_it_refuses_an_unknown_user_in_japanese_and_creates_nobody(sso, staff) -> None:
    client = Client()
    users_before = User.objects.count()
    response = _sign_in_at_provider(client, sso, "op-stranger", "op-pass-3")
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("accounts:login")).content.decode()
    assert "このシステムに登録されていません" in page
    assert User.objects.count() == users_before
    row = AccessLog.objects.get(action="login", basis=Basis.DENIED)
    assert row.detail == "oidc unknown user" and row.object_id == "stranger@example.jp"


@pytest.mark.django_db
def test_it_creates_the_account_only_when_a_setting_allows(sso, staff, settings) -> None:
    settings.KASANE_OIDC_CREATE_USERS_IN = staff.municipality.code
    settings.OIDC_CREATE_USER = True
    client = Client()
    response = _sign_in_at_provider(client, sso, "op-stranger", "op-pass-3")
    assert response["Location"] == reverse("accounts:otp")
    created = User.objects.get(email="stranger@example.jp")
    assert created.municipality == staff.municipality
    assert not created.has_usable_password() and not created.memberships.exists()


@pytest.mark.django_db
def test_it_refuses_a_locked_or_inactive_account(sso, staff) -> None:
    User.objects.filter(pk=staff.recorder.pk).update(is_active=False)
    client = Client()
    response = _sign_in_at_provider(client, sso, "op-recorder", "op-pass-1")
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert AccessLog.objects.filter(action="login", basis=Basis.DENIED,
                                    detail="oidc unusable account").exists()


@pytest.mark.django_db
def test_it_refuses_an_id_token_minted_for_another_client(sso, staff) -> None:
    client = Client()
    response = _sign_in_at_provider(client, sso, "op-other-aud", "op-pass-4")
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert "シングルサインオンでログインできませんでした" in client.get(
        reverse("accounts:login")).content.decode()
    assert AccessLog.objects.filter(action="login", basis=Basis.DENIED,
                                    detail__startswith="oidc error").exists()


@pytest.mark.django_db
def test_it_refuses_a_callback_with_a_forged_state(sso, staff) -> None:
    client = Client()
    client.get("/accounts/oidc/authenticate/")
    response = client.get("/accounts/oidc/callback/?code=abc&state=forged")
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_matches_by_preferred_username_when_configured(sso, staff, settings) -> None:
    settings.KASANE_OIDC_MATCH_CLAIM = "preferred_username"
    User.objects.filter(pk=staff.recorder.pk).update(username="op-recorder")
    client = Client()
    _sign_in_at_provider(client, sso, "op-recorder", "op-pass-1")
    assert client.session["_auth_user_id"] == str(staff.recorder.pk)


@pytest.mark.django_db
def test_it_is_off_by_default(client, settings) -> None:
    settings.KASANE_OIDC_ENABLED = False
    assert client.get("/accounts/oidc/authenticate/").status_code == 404
    assert client.get("/accounts/oidc/callback/?code=a&state=b").status_code == 404
    assert "シングルサインオン" not in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.django_db
def test_the_login_page_offers_sso_when_enabled(client, sso) -> None:
    page = client.get(reverse("accounts:login") + "?next=/cases/").content.decode()
    assert "シングルサインオンでログイン" in page
    assert "/accounts/oidc/authenticate/?next=/cases/" in page


@pytest.mark.django_db
def test_a_password_login_never_reaches_the_provider(sso, staff, client) -> None:
    response = client.post(reverse("accounts:login") + "?code=x&state=y",
                           {"username": "recorder", "password": staff.password})
    assert response["Location"] == reverse("accounts:otp")
