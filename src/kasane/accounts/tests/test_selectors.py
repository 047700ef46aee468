"""Role-appropriate pickers: staff with the role a field needs, agencies that take part in
support — never 監査, 管理者, 委員, 事務局 alone, nor a back office such as 情報政策課."""

import pytest

from kasane.accounts.models import Membership, Organization, OrganizationKind, Role, User
from kasane.accounts.selectors import (
    LIAISON_ROLES,
    agencies,
    organizations_with_roles,
    staff_choices,
    staff_with_roles,
)

pytestmark = pytest.mark.django_db


def test_it_lists_only_case_staff_by_default(city) -> None:
    committee = User.objects.create_user(username="iin", municipality=city.municipality)
    Membership.objects.create(user=committee, organization=city.orgs["city"], role=Role.COMMITTEE)
    names = set(staff_with_roles(municipality_id=city.municipality.pk)
                .values_list("username", flat=True))
    assert names == {"coordinator", "recorder", "partner", "outsider"}
    with_liaison = staff_with_roles(municipality_id=city.municipality.pk,
                                    roles=LIAISON_ROLES | {Role.CASEWORKER})
    assert "liaison" in set(with_liaison.values_list("username", flat=True))
    assert dict(staff_choices(municipality_id=city.municipality.pk))[city.partner.pk] == \
        "partner（地域包括北部）"


def test_it_drops_a_user_whose_case_membership_ended(city) -> None:
    Membership.objects.filter(user=city.outsider).update(is_active=False)
    assert city.outsider not in staff_with_roles(municipality_id=city.municipality.pk)


def test_it_lists_agencies_but_no_back_office(city) -> None:
    npo = Organization.objects.create(municipality=city.municipality, name="NPO いばしょ",
                                      kind=OrganizationKind.PRIVATE)  # no login yet: an agency
    names = set(agencies(municipality_id=city.municipality.pk).values_list("name", flat=True))
    assert names == {"福祉相談課", "社協", "地域包括北部", "障害相談", "図書館", npo.name}
    assert "監査担当" not in names  # only an auditor there
    staffed = organizations_with_roles(municipality_id=city.municipality.pk)
    assert set(staffed.values_list("name", flat=True)) == {"福祉相談課", "社協", "地域包括北部",
                                                           "障害相談"}
