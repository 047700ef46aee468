import pytest
from django.urls import reverse

from kasane.accounts.models import Membership, Organization, Role, Unit, User


@pytest.mark.django_db
def test_it_lets_an_admin_add_an_organization_in_their_city(city, client) -> None:
    client.force_login(city.admin)
    response = client.post(reverse("accounts:admin_org_new"),
                           {"name": "NPO法人 あたらしい", "kind": "private", "is_active": "on"})
    assert response.status_code == 302
    assert Organization.objects.get(name="NPO法人 あたらしい").municipality == city.municipality


@pytest.mark.django_db
def test_it_refuses_non_admins(city, client) -> None:
    for actor in (city.recorder, city.auditor, city.coordinator):
        client.force_login(actor)
        assert client.get(reverse("accounts:admin")).status_code == 403


@pytest.mark.django_db
def test_it_hides_other_tenants_from_an_admin(city, client) -> None:
    client.force_login(city.other_admin)
    page = client.get(reverse("accounts:admin")).content.decode()
    assert "社協" not in page and "other_admin" in page
    assert client.get(reverse("accounts:admin_org", args=[city.orgs["shakyo"].pk])).status_code == 404
    assert client.get(reverse("accounts:admin_user", args=[city.recorder.pk])).status_code == 404
    response = client.post(reverse("accounts:admin_org", args=[city.orgs["shakyo"].pk]),
                           {"name": "乗っ取り", "kind": "private"})
    assert response.status_code == 404
    assert Organization.objects.filter(name="乗っ取り").count() == 0


@pytest.mark.django_db
def test_it_refuses_a_membership_in_another_tenant(city, client) -> None:
    client.force_login(city.admin)
    url = reverse("accounts:admin_membership_add", args=[city.recorder.pk])
    client.post(url, {"organization": city.other_org.pk, "role": Role.CASEWORKER})
    assert not Membership.objects.filter(user=city.recorder, organization=city.other_org).exists()


@pytest.mark.django_db
def test_it_gives_a_field_error_for_a_bad_unit_code(city, client) -> None:
    client.force_login(city.admin)
    response = client.post(reverse("accounts:admin_unit_new"),
                           {"code": "共生", "name": "共生推進課2", "order": 2})
    assert response.status_code == 400
    assert "1文字" in response.content.decode()
    assert not Unit.objects.filter(name="共生推進課2").exists()


@pytest.mark.django_db
def test_it_creates_a_user_with_a_membership_and_unlocks(city, client) -> None:
    client.force_login(city.admin)
    response = client.post(reverse("accounts:admin_user_new"), {
        "username": "newbie", "display_name": "新人", "email": "", "is_active": "on",
        "password": "a-long-enough-pass-123"})
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.municipality == city.municipality and user.check_password("a-long-enough-pass-123")
    client.post(reverse("accounts:admin_membership_add", args=[user.pk]),
                {"organization": city.orgs["shakyo"].pk, "role": Role.LIAISON})
    assert Membership.objects.filter(user=user, role=Role.LIAISON).exists()


@pytest.mark.django_db
def test_it_shows_a_tantouka_caseworker_as_tantouka_staff(city, client) -> None:
    """The PDCA self-evaluation seats (相談員・CSW of a 担当課 department) read 「担当課職員」;
    the role code stays caseworker; other caseworkers keep their label."""
    staff = User.objects.create_user(username="tantou", password="x", municipality=city.municipality,
                                     display_name="共生 担当")
    seat = Membership.objects.create(user=staff, organization=city.orgs["city"], role=Role.CASEWORKER)
    assert seat.role == "caseworker" and seat.role_label == "担当課職員"
    assert Membership.objects.get(user=city.recorder).role_label == "相談員・CSW"  # a contractor
    library = Membership.objects.create(user=staff, organization=city.orgs["library"],
                                        role=Role.CASEWORKER)  # a department without a 担当課
    assert library.role_label == "相談員・CSW"
    library.delete()
    assert Membership.objects.get(user=city.coordinator).role_label == "相談支援包括化推進員"
    client.force_login(city.admin)
    page = client.get(reverse("accounts:admin")).content.decode()
    assert "福祉相談課・担当課職員" in page and "障害相談・相談員・CSW" in page
    client.force_login(staff)
    home = client.get("/").content.decode()
    assert "福祉相談課・担当課職員として利用しています" in home


@pytest.mark.django_db
def test_it_names_a_tantouka_without_its_report_abbreviation(city, client) -> None:
    assert str(city.unit) == "共生推進課"
    client.force_login(city.admin)
    index = client.get(reverse("accounts:admin")).content.decode()
    assert "共…" not in index and "共生推進課" in index
    form = client.get(reverse("accounts:admin_org", args=[city.orgs["city"].pk])).content.decode()
    assert "共…" not in form and f'<option value="{city.unit.pk}" selected>共生推進課</option>' in form
