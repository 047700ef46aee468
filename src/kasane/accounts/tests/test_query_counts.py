"""N+1 guards (issue 13): the administrator's lists, the API-token page and the accounts API
run as many queries with 25 rows as with one (``kasane.core.testing.assert_flat_queries``)."""

from __future__ import annotations

import pytest

from kasane.accounts import services
from kasane.accounts.models import Membership, Organization, OrganizationKind, Role, Unit, User
from kasane.core.testing import assert_flat_queries

pytestmark = pytest.mark.django_db

_CODES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥東西南北"  # 担当課コード: one character


def test_the_admin_index_runs_the_same_queries_for_1_and_25_organizations_units_and_users(city, client):
    """Per row: a 担当課, an organization of it, and a user with a membership there."""
    made = []

    def add(n):
        for _ in range(n):
            i = len(made)
            unit = services.unit_save(actor=city.admin, unit=Unit(code=_CODES[i], name=f"課{i}",
                                                                  order=10 + i))
            org = services.organization_save(actor=city.admin, organization=Organization(
                name=f"機関{i}", kind=OrganizationKind.DEPARTMENT, unit=unit))
            user = services.user_save(actor=city.admin, user=User(username=f"staff{i}",
                                                                  display_name=f"職員{i}"))
            services.role_request_decide(actor=city.coordinator, approve=True, role_request=(
                services.membership_add(actor=city.admin, user=user, organization=org,
                                        role=Role.CASEWORKER)))
            made.append((unit, org, user))

    def check(response, n):
        body = response.content.decode()
        assert all(f"/accounts/admin/users/{u.pk}/" in body and f"機関{i}・" in body
                   and f"/accounts/admin/units/{unit.pk}/" in body
                   for i, (unit, _, u) in enumerate(made))

    client.force_login(city.admin)
    assert_flat_queries(add, lambda: client.get("/accounts/admin/"), label="GET /accounts/admin/",
                        check=check)


def test_the_user_page_the_token_page_and_me_run_the_same_queries_for_1_and_25_memberships(city, client, settings):
    """A user with many memberships (one a row) and an API token for each."""
    settings.KASANE_TOKENS_PER_USER = 100
    orgs = []

    def add(n):
        for _ in range(n):
            org = services.organization_save(actor=city.admin, organization=Organization(
                name=f"兼務先{len(orgs)}", kind=OrganizationKind.CONTRACTOR))
            membership = services.role_request_decide(
                actor=city.coordinator, approve=True, role_request=services.membership_add(
                    actor=city.admin, user=city.partner, organization=org, role=Role.CASEWORKER))
            services.api_token_issue(user=city.partner, membership=membership, name=f"連携{len(orgs)}")
            orgs.append(org)

    def shows_all(response, n):
        body = response.content.decode()
        assert all(o.name in body for o in orgs)

    client.force_login(city.admin)
    assert_flat_queries(add, lambda: client.get(f"/accounts/admin/users/{city.partner.pk}/"),
                        label="GET /accounts/admin/users/{id}/", check=shows_all)
    client.force_login(city.partner)
    assert_flat_queries(add, lambda: client.get("/accounts/tokens/"),
                        label="GET /accounts/tokens/", check=shows_all)
    assert_flat_queries(add, lambda: client.get("/api/v1/me"), label="GET /api/v1/me",
                        check=lambda r, n: len(r.json()["memberships"]) == len(orgs) + 1)
    assert_flat_queries(add, lambda: client.get("/api/v1/organizations"),
                        label="GET /api/v1/organizations",
                        check=lambda r, n: r.json()["count"] == Organization.objects.filter(
                            municipality=city.municipality).count())
    assert Membership.objects.filter(user=city.partner).count() == len(orgs) + 1


@pytest.mark.django_db
def test_the_platform_municipality_page_runs_the_same_queries_for_1_and_25_tenants(client):
    """Issue 20: the operator's 自治体の追加 page lists every tenant."""
    from kasane.accounts.models import Municipality, User
    from kasane.accounts.validators import local_government_check_digit

    made = []

    def add(n):
        for _ in range(n):
            head = f"{11000 + len(made):05d}"
            code = head + str(local_government_check_digit(head))
            made.append(Municipality.objects.create(code=code, name=f"市{len(made)}",
                                                    prefecture="北海道"))

    client.force_login(User.objects.create_superuser(username="op", password="op-password-1"))
    assert_flat_queries(add, lambda: client.get("/accounts/platform/municipalities/new/"),
                        label="GET /accounts/platform/municipalities/new/",
                        check=lambda r, n: all(m.code in r.content.decode() for m in made))
