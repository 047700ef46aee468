import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


@pytest.fixture
def mfa(settings):
    settings.KASANE_REQUIRE_MFA = True


@pytest.mark.django_db
def test_it_sends_a_password_login_to_the_second_factor(city, client, mfa) -> None:
    response = client.post(reverse("accounts:login"),
                           {"username": "recorder", "password": city.password})
    assert response["Location"] == reverse("accounts:otp")
    # every other page stays closed until the second factor
    assert client.get("/").headers["Location"] == reverse("accounts:otp")


@pytest.mark.django_db
def test_it_enrols_a_totp_app_then_lets_the_user_in(city, client, mfa) -> None:
    client.post(reverse("accounts:login"), {"username": "recorder", "password": city.password})
    page = client.get(reverse("accounts:otp"))
    assert "QRコード" in page.content.decode()
    device = TOTPDevice.objects.get(user=city.recorder)
    assert not device.confirmed
    response = client.post(reverse("accounts:otp"), {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_it_refuses_a_wrong_code(city, client, mfa) -> None:
    TOTPDevice.objects.create(user=city.recorder, name="app", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "recorder", "password": city.password})
    response = client.post(reverse("accounts:otp"), {"token": "000000x"})
    assert response.status_code == 400
    assert "確認コードが正しくありません" in response.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_it_does_not_ask_for_a_second_factor_in_demo_mode(city, client, settings) -> None:
    settings.KASANE_REQUIRE_MFA = False
    client.post(reverse("accounts:login"), {"username": "recorder", "password": city.password})
    assert client.get("/").status_code == 200
