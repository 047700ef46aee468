import pytest

from kasane.accounts.demo import LOGINS
from kasane.accounts.models import Membership, Organization, User
from kasane.web.demo import load_demo


@pytest.mark.django_db
def test_it_loads_the_demo_city_idempotently() -> None:
    load_demo()
    counts = (User.objects.count(), Organization.objects.count(), Membership.objects.count())
    load_demo()
    assert (User.objects.count(), Organization.objects.count(),
            Membership.objects.count()) == counts
    assert {u.username for u in User.objects.all()} >= {login.username for login in LOGINS}


@pytest.mark.django_db
def test_it_gives_every_demo_login_the_documented_role(client) -> None:
    load_demo()
    for login in LOGINS:
        assert client.login(username=login.username, password="kasane-demo")
        me = client.get("/api/v1/me").json()
        assert login.role in {m["role"] for m in me["memberships"]}
        client.logout()


@pytest.mark.django_db
def test_it_refuses_to_load_outside_demo_mode(settings) -> None:
    from kasane.accounts.demo import DemoRefused

    settings.DEMO_MODE = False
    with pytest.raises(DemoRefused):
        load_demo()
    assert not User.objects.exists()
