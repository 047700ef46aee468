"""accounts.tenants.municipality_create and ./kasane create_municipality (issue 20 #1)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from kasane.accounts.models import Membership, Municipality, Role, User
from kasane.accounts.tenants import municipality_create, prefecture_of


@pytest.mark.django_db
def test_command_creates_tenant_admin_and_coordinator_and_prints_passwords() -> None:
    out = io.StringIO()
    call_command("create_municipality", "131016", "千代田区", "--admin", "kanri",
                 "--coordinator", "suishin", stdout=out)
    muni = Municipality.objects.get(code="131016")
    assert (muni.name, muni.prefecture) == ("千代田区", "東京都")
    roles = dict(Membership.objects.filter(organization__municipality=muni)
                 .values_list("user__username", "role"))
    assert roles == {"kanri": Role.ADMIN, "suishin": Role.COORDINATOR}
    text = out.getvalue()
    for username in ("kanri", "suishin"):
        password = text.split(username, 1)[1].split("初期パスワード: ", 1)[1].split()[0]
        assert User.objects.get(username=username).check_password(password)


@pytest.mark.django_db
def test_command_takes_passwords_from_the_environment_without_printing(monkeypatch) -> None:
    monkeypatch.setenv("KASANE_ADMIN_PASSWORD", "a-long-chosen-secret")
    out = io.StringIO()
    call_command("create_municipality", "131016", "千代田区", "--admin", "kanri",
                 "--secretariat", "jimu", stdout=out)
    assert User.objects.get(username="kanri").check_password("a-long-chosen-secret")
    assert "a-long-chosen-secret" not in out.getvalue()
    assert Membership.objects.get(user__username="jimu").role == Role.SECRETARIAT


@pytest.mark.django_db
def test_command_refuses_bad_code_and_existing_user_writing_nothing(city) -> None:
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("create_municipality", "131017", "千代田区", "--admin", "admin",
                     stderr=err)
    assert "検査数字" in err.getvalue() and "すでに使われています" in err.getvalue()
    assert not Municipality.objects.filter(code="131017").exists()


@pytest.mark.django_db
def test_service_refuses_a_municipality_admin_and_duplicate_code(city) -> None:
    with pytest.raises(PermissionDenied):
        municipality_create(actor=city.admin, code="131016", name="千代田区", admin="x1")
    with pytest.raises(ValidationError) as exc:
        municipality_create(actor=None, code="139998", name="重ね市", admin="x1")
    assert "すでに登録" in str(exc.value.message_dict["code"])


def test_prefecture_of() -> None:
    assert prefecture_of("011002") == "北海道" and prefecture_of("472018") == "沖縄県"
    assert prefecture_of("991234") == ""
