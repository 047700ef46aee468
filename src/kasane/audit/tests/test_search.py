import pytest
from django.urls import reverse

from kasane.audit import services
from kasane.audit.models import Basis


@pytest.mark.django_db
def test_it_shows_the_log_to_auditors_only(city, client) -> None:
    services.access_log(user=city.partner, action="person_view", basis=Basis.DENIED,
                        object_type="person", object_id=7, person_id=7)
    client.force_login(city.auditor)
    page = client.get(reverse("audit:search"), {"basis": "denied"})
    assert page.status_code == 200
    assert "person_view" in page.content.decode() and "拒否" in page.content.decode()
    for actor in (city.recorder, city.admin, city.coordinator, city.outsider):
        client.force_login(actor)
        assert client.get(reverse("audit:search")).status_code == 403


@pytest.mark.django_db
def test_it_never_shows_another_tenants_rows(city, client) -> None:
    services.access_log(user=city.other_admin, action="secret_other_city", basis=Basis.NOT_PERSONAL)
    client.force_login(city.auditor)
    assert "secret_other_city" not in client.get(reverse("audit:search")).content.decode()


@pytest.mark.django_db
def test_it_has_no_edit_or_delete_path(city, client) -> None:
    row = services.access_log(user=city.partner, action="x", basis=Basis.CONSENT)
    client.force_login(city.auditor)
    for method in ("post", "put", "delete"):
        response = getattr(client, method)(reverse("audit:search"), {"id": row.pk})
        assert response.status_code == 405


@pytest.mark.django_db
def test_it_gives_a_field_error_for_an_inverted_period(city, client) -> None:
    client.force_login(city.auditor)
    response = client.get(reverse("audit:search"),
                          {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 400
    assert "終了日は開始日以降" in response.content.decode()


@pytest.mark.django_db
def test_it_shows_change_history_to_auditors_only(city, client) -> None:
    org = city.orgs["shakyo"]
    before = services.snapshot(org, ["name"])
    org.name = "重ね市社協"
    services.change_record(user=city.admin, instance=org, operation="update", before=before,
                           after=services.snapshot(org, ["name"]), reason="名称変更")
    client.force_login(city.auditor)
    page = client.get(reverse("audit:changes"), {"model": "accounts.Organization"})
    assert page.status_code == 200
    assert "重ね市社協" in page.content.decode() and "名称変更" in page.content.decode()
    client.force_login(city.admin)
    assert client.get(reverse("audit:changes")).status_code == 403
