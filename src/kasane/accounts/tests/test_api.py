import json

import pytest
from django.test import Client

from kasane.accounts.models import ApiToken


def _token(client: Client, username: str, password: str) -> str:
    response = client.post("/api/v1/auth/token", {"username": username, "password": password},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.mark.django_db
def test_it_issues_a_token_and_answers_me(city, client) -> None:
    token = _token(client, "recorder", city.password)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "recorder"
    assert body["memberships"][0]["organization"]["name"] == "障害相談"
    assert body["memberships"][0]["organization"]["kind"] == "contractor"
    assert body["memberships"][0]["role"] == "caseworker"


@pytest.mark.django_db
def test_it_lists_only_the_callers_tenant_organizations(city, client) -> None:
    token = _token(client, "recorder", city.password)
    body = client.get("/api/v1/organizations", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    names = {o["name"] for o in body["items"]}
    assert body["count"] == len(body["items"]) == 6
    assert "他区 福祉課" not in names
    assert set(body["items"][0]) >= {"id", "name", "kind"}


@pytest.mark.django_db
def test_it_refuses_wrong_credentials_with_json(city, client) -> None:
    response = client.post("/api/v1/auth/token", {"username": "recorder", "password": "nope"},
                           content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "ユーザー名またはパスワードが正しくありません。"}


@pytest.mark.django_db
def test_it_requires_otp_for_tokens_outside_demo(city, client, settings) -> None:
    settings.KASANE_REQUIRE_MFA = True
    response = client.post("/api/v1/auth/token",
                           {"username": "recorder", "password": city.password},
                           content_type="application/json")
    assert response.status_code == 401
    assert "確認コード" in response.json()["detail"]


@pytest.mark.django_db
def test_it_revokes_a_token(city, client) -> None:
    token = _token(client, "recorder", city.password)
    assert client.delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 204
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert response.json()["detail"] == "認証が必要です。"
    assert ApiToken.objects.get().revoked_at is not None


@pytest.mark.django_db
def test_it_answers_malformed_bodies_with_json_detail(client) -> None:
    response = client.post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert isinstance(response.json()["detail"], str)
    missing = client.post("/api/v1/auth/token", json.dumps({"username": "x"}),
                          content_type="application/json")
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"password": "入力してください。"}


@pytest.mark.django_db
def test_it_answers_unknown_api_paths_with_json(client) -> None:
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.json() == {"detail": "ページが見つかりません"}


@pytest.mark.django_db
def test_it_serves_openapi(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/auth/token" in schema["paths"]
    assert "/api/v1/me" in schema["paths"]


@pytest.mark.django_db
def test_it_accepts_the_browser_session(city, client) -> None:
    client.force_login(city.recorder)
    assert client.get("/api/v1/me").json()["username"] == "recorder"
