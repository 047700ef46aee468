import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_it_changes_the_password_and_keeps_the_session(city, client) -> None:
    client.force_login(city.recorder)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": city.password,
        "new_password1": "another-long-passphrase-42",
        "new_password2": "another-long-passphrase-42",
    })
    assert response.status_code == 302
    city.recorder.refresh_from_db()
    assert city.recorder.check_password("another-long-passphrase-42")
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_it_refuses_a_wrong_old_password_with_a_field_error(city, client) -> None:
    client.force_login(city.recorder)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "not-it", "new_password1": "another-long-passphrase-42",
        "new_password2": "another-long-passphrase-42"})
    assert response.status_code == 400
    assert "元のパスワード" in response.content.decode() or "古いパスワード" in response.content.decode()
    city.recorder.refresh_from_db()
    assert city.recorder.check_password(city.password)


@pytest.mark.django_db
def test_it_refuses_a_short_new_password(city, client) -> None:
    client.force_login(city.recorder)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": city.password, "new_password1": "short1", "new_password2": "short1"})
    assert response.status_code == 400
    city.recorder.refresh_from_db()
    assert city.recorder.check_password(city.password)
