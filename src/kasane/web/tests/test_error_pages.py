import pytest


@pytest.mark.django_db
def test_it_shows_a_japanese_404(city, client) -> None:
    client.force_login(city.recorder)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


@pytest.mark.django_db
def test_it_shows_a_japanese_csrf_failure(city) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "再読み込み" in response.content.decode()
