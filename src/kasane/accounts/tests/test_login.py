import pytest
from django.test import Client
from django.urls import reverse

from kasane.accounts.services import LOGIN_FAILED_MESSAGE
from kasane.audit.models import AccessLog, Basis


def _post(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_it_logs_in_and_shows_home(city, client: Client) -> None:
    response = _post(client, "recorder", city.password)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "わたしの仕事" in home.content.decode()


@pytest.mark.django_db
def test_it_gives_the_same_message_for_unknown_user_and_wrong_password(city, client) -> None:
    unknown = _post(client, "nobody", "whatever-123")
    wrong = _post(client, "recorder", "wrong-password")
    assert unknown.status_code == wrong.status_code == 400
    assert LOGIN_FAILED_MESSAGE in unknown.content.decode()
    assert LOGIN_FAILED_MESSAGE in wrong.content.decode()
    assert AccessLog.objects.filter(action="login", basis=Basis.DENIED).count() == 2


@pytest.mark.django_db
def test_it_locks_after_repeated_failures(city, client, settings) -> None:
    settings.KASANE_LOCKOUT_THRESHOLD = 3
    for _ in range(3):
        _post(client, "recorder", "wrong-password")
    city.recorder.refresh_from_db()
    assert city.recorder.locked_until is not None
    # even the right password is refused while locked, with the same message
    response = _post(client, "recorder", city.password)
    assert response.status_code == 400
    assert LOGIN_FAILED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_resets_the_failure_count_after_success(city, client, settings) -> None:
    settings.KASANE_LOCKOUT_THRESHOLD = 3
    _post(client, "recorder", "wrong-password")
    _post(client, "recorder", "wrong-password")
    _post(client, "recorder", city.password)
    city.recorder.refresh_from_db()
    assert city.recorder.failed_login_count == 0
    assert city.recorder.locked_until is None


@pytest.mark.django_db
def test_it_requires_login_for_home(client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_it_logs_out_only_by_post(city, client) -> None:
    client.force_login(city.recorder)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get("/").status_code == 302
