import pytest
from django.urls import reverse

from kasane.accounts.models import Membership, Role


@pytest.mark.django_db
def test_it_switches_to_another_own_membership(city, client) -> None:
    second = Membership.objects.create(user=city.coordinator, organization=city.orgs["shakyo"],
                                       role=Role.COORDINATOR)
    client.force_login(city.coordinator)
    client.post(reverse("accounts:switch"), {"membership": second.pk, "next": "/"})
    page = client.get("/").content.decode()
    assert "社協・相談支援包括化推進員として利用しています" in page


@pytest.mark.django_db
def test_it_refuses_someone_elses_membership(city, client) -> None:
    theirs = Membership.objects.get(user=city.auditor)
    client.force_login(city.coordinator)
    client.post(reverse("accounts:switch"), {"membership": theirs.pk})
    assert client.session.get("kasane_membership_id") is None
