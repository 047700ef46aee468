"""API tokens expire (default 90 days), are limited per user, and are listed and revoked by
their owner on the page and through the API (issue 22 finding 7)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kasane.accounts import services
from kasane.accounts.models import ApiToken


def _auth(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.django_db
def test_a_token_stops_working_after_its_days(city, client, settings) -> None:
    key = services.api_token_issue(user=city.recorder)
    token = ApiToken.objects.get()
    assert abs((token.expires_at - timezone.now()) - dt.timedelta(days=90)) < dt.timedelta(minutes=1)
    assert client.get("/api/v1/me", **_auth(key)).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me", **_auth(key)).status_code == 401


@pytest.mark.django_db
def test_a_token_issued_before_expiry_existed_expires_from_its_creation(city, client) -> None:
    key = services.api_token_issue(user=city.recorder)
    ApiToken.objects.update(expires_at=None, created_at=timezone.now() - dt.timedelta(days=91))
    assert client.get("/api/v1/me", **_auth(key)).status_code == 401


@pytest.mark.django_db
def test_a_user_holds_a_limited_number_of_active_tokens(city, client, settings) -> None:
    settings.KASANE_TOKENS_PER_USER = 2
    services.api_token_issue(user=city.recorder)
    services.api_token_issue(user=city.recorder)
    with pytest.raises(ValidationError):
        services.api_token_issue(user=city.recorder)
    r = client.post("/api/v1/auth/token", {"username": "recorder", "password": city.password},
                    content_type="application/json")
    assert r.status_code == 400 and "2個まで" in r.json()["detail"]
    services.api_token_revoke(user=city.recorder, token_id=ApiToken.objects.first().pk)
    services.api_token_issue(user=city.recorder)


@pytest.mark.django_db
def test_the_owner_lists_and_revokes_tokens_through_the_api(city, client) -> None:
    key = services.api_token_issue(user=city.recorder, name="連携A")
    other = services.api_token_issue(user=city.partner, name="他人")
    listed = client.get("/api/v1/auth/tokens", **_auth(key)).json()
    assert [t["name"] for t in listed["items"]] == ["連携A"] and listed["items"][0]["active"]
    assert listed["items"][0]["expires_at"]
    partner_token = ApiToken.objects.get(user=city.partner)
    assert client.delete(f"/api/v1/auth/tokens/{partner_token.pk}", **_auth(key)).status_code == 400
    assert client.get("/api/v1/me", **_auth(other)).status_code == 200
    mine = ApiToken.objects.get(user=city.recorder)
    assert client.delete(f"/api/v1/auth/tokens/{mine.pk}", **_auth(key)).status_code == 204
    assert client.get("/api/v1/me", **_auth(key)).status_code == 401


@pytest.mark.django_db
def test_the_page_shows_each_tokens_expiry(city, client) -> None:
    services.api_token_issue(user=city.recorder, name="連携A")
    client.force_login(city.recorder)
    page = client.get("/accounts/tokens/").content.decode()
    assert "有効期限" in page and "90日" in page
