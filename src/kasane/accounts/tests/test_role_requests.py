"""Separation of duties for case roles (issue 22 finding 2): an admin never gives itself, and
never alone gives anyone, a role that opens case content or the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kasane.accounts import events, services
from kasane.accounts.models import Membership, Role, RoleRequest, User
from kasane.audit.models import ChangeRecord
from kasane.core.inbox import sections_for


def _add(client, user, org, role):
    return client.post(reverse("accounts:admin_membership_add", args=[user.pk]),
                       {"organization": org.pk, "role": role})


@pytest.mark.django_db
def test_an_admin_cannot_give_itself_a_case_role(city, client) -> None:
    client.force_login(city.admin)
    for role in (Role.COORDINATOR, Role.CASEWORKER, Role.AUDITOR):
        _add(client, city.admin, city.orgs["city"], role)
    assert not Membership.objects.filter(user=city.admin).exclude(role=Role.ADMIN).exists()
    assert not RoleRequest.objects.exists()
    with pytest.raises(PermissionDenied):
        services.membership_add(actor=city.admin, user=city.admin, organization=city.orgs["city"],
                                role=Role.COORDINATOR)


@pytest.mark.django_db
def test_a_case_role_waits_for_a_second_person_and_notifies_coordinators(city, client) -> None:
    seen = []
    events.ROLE_REQUESTED.subscribe(seen.append)
    client.force_login(city.admin)
    _add(client, city.partner, city.orgs["shakyo"], Role.COORDINATOR)
    assert not Membership.objects.filter(user=city.partner, role=Role.COORDINATOR).exists()
    request = RoleRequest.objects.get(user=city.partner, status="pending")
    assert seen and seen[-1].data["role_request_id"] == request.pk
    coordinator = Membership.objects.get(user=city.coordinator)
    [section] = [s for s in sections_for(city.coordinator, coordinator) if s.title == "役割付与の承認待ち"]
    assert "社協" in section.items[0]["label"]
    # the requesting admin sees nothing to decide and cannot approve
    assert client.get(reverse("accounts:role_requests")).content.decode().count('value="approve"') == 0
    client.post(reverse("accounts:role_request_decide", args=[request.pk]), {"decision": "approve"})
    assert not Membership.objects.filter(user=city.partner, role=Role.COORDINATOR).exists()
    client.force_login(city.coordinator)
    assert 'value="approve"' in client.get(reverse("accounts:role_requests")).content.decode()
    client.post(reverse("accounts:role_request_decide", args=[request.pk]), {"decision": "approve"})
    assert Membership.objects.get(user=city.partner, role=Role.COORDINATOR).is_active
    assert ChangeRecord.objects.filter(model="accounts.RoleRequest", object_id=str(request.pk)).count() == 2
    assert ChangeRecord.objects.filter(model="accounts.Membership", operation="create").exists()


@pytest.mark.django_db
def test_the_auditor_sees_role_grants_in_the_change_history(city, client) -> None:
    request = services.membership_add(actor=city.admin, user=city.partner,
                                      organization=city.orgs["shakyo"], role=Role.CASEWORKER)
    services.role_request_decide(actor=city.coordinator, role_request=request, approve=False)
    client.force_login(city.auditor)
    html = client.get(reverse("audit:changes"), {"model": "accounts.RoleRequest"}).content.decode()
    assert "役割付与の申請" in html and "却下" in html and "承認待ち" in html
    assert not Membership.objects.filter(user=city.partner, organization=city.orgs["shakyo"]).exists()


@pytest.mark.django_db
def test_nobody_decides_a_request_about_themselves(city) -> None:
    other_admin = User.objects.create_user(username="admin2", password="x", municipality=city.municipality)
    Membership.objects.create(user=other_admin, organization=city.orgs["city"], role=Role.ADMIN)
    request = services.membership_add(actor=other_admin, user=city.coordinator,
                                      organization=city.orgs["shakyo"], role=Role.CASEWORKER)
    with pytest.raises(PermissionDenied):
        services.role_request_decide(actor=city.coordinator, role_request=request, approve=True)
    with pytest.raises(PermissionDenied):
        services.role_request_decide(actor=city.recorder, role_request=request, approve=True)
    services.role_request_decide(actor=city.admin, role_request=request, approve=True)
    assert Membership.objects.filter(user=city.coordinator, role=Role.CASEWORKER).exists()


@pytest.mark.django_db
def test_other_roles_are_given_at_once(city, client) -> None:
    client.force_login(city.admin)
    _add(client, city.partner, city.orgs["library"], Role.LIAISON)
    assert Membership.objects.filter(user=city.partner, role=Role.LIAISON, is_active=True).exists()


@pytest.mark.django_db
def test_a_new_municipalitys_first_coordinator_is_in_its_change_history() -> None:
    from kasane.accounts.tenants import municipality_create

    created = municipality_create(actor=None, code="131016", name="千代田区", admin="kanri",
                                  coordinator="suishin2")
    rows = ChangeRecord.objects.filter(model="accounts.Membership",
                                       municipality=created.municipality)
    roles = {r.changes["role"][1] for r in rows}
    assert roles == {Role.ADMIN, Role.COORDINATOR}
    assert all(r.reason == "自治体の作成（最初の利用者）" for r in rows)
