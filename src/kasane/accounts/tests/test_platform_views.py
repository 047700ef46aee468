"""The platform operator's 「自治体の追加」 screen (issue 20 #1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kasane.accounts.models import Membership, Municipality, Role, User

URL = "accounts:platform_municipality_new"


@pytest.mark.django_db
def test_superuser_creates_a_municipality_and_sees_passwords_once(client) -> None:
    op = User.objects.create_superuser(username="op", password="op-password-123")
    client.force_login(op)
    response = client.post(reverse(URL), {"code": "131016", "name": "千代田区",
                                          "admin": "kanri", "secretariat": "jimu"})
    assert response.status_code == 200
    page = response.content.decode()
    muni = Municipality.objects.get(code="131016")
    assert Membership.objects.get(user__username="jimu").role == Role.SECRETARIAT
    assert Membership.objects.get(user__username="kanri").organization.municipality == muni
    password = page.split("<td>kanri</td>", 1)[1].split("<code>", 1)[1].split("</code>", 1)[0]
    assert User.objects.get(username="kanri").check_password(password)
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_bad_code_gets_a_field_message_and_400(client) -> None:
    client.force_login(User.objects.create_superuser(username="op", password="op-password-123"))
    response = client.post(reverse(URL), {"code": "131017", "name": "千代田区", "admin": "k"})
    assert response.status_code == 400
    assert "検査数字" in response.content.decode()
    assert not Municipality.objects.filter(code="131017").exists()


@pytest.mark.django_db
def test_tenant_admins_and_staff_are_refused(city, client) -> None:
    for user in (city.admin, city.coordinator):
        client.force_login(user)
        assert client.get(reverse(URL)).status_code == 403
        assert client.post(reverse(URL), {"code": "011002", "name": "x",
                                          "admin": "k"}).status_code == 403
    assert not Municipality.objects.filter(code="011002").exists()
