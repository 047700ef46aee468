"""Staff and organization figures (registered by accounts in the core metric registry)."""

import pytest
from django.utils import timezone

from kasane.core import metrics
from kasane.core.wareki import fiscal_year


@pytest.mark.django_db
def test_it_counts_coordinators_once_per_person_in_the_tenant(city) -> None:
    from kasane.accounts.models import Membership, Role

    Membership.objects.create(user=city.coordinator, organization=city.orgs["shakyo"],
                              role=Role.COORDINATOR)
    year = fiscal_year(timezone.localdate())  # memberships made today count from today
    assert metrics.compute("staff.coordinators", municipality=city.municipality,
                            fiscal_year=year) == 1
    assert metrics.compute("staff.coordinators", municipality=city.other,
                            fiscal_year=year) == 0
    assert metrics.compute("staff.coordinators", municipality=city.municipality,
                            fiscal_year=year - 1) == 0


@pytest.mark.django_db
def test_it_filters_organizations_by_kind_and_refuses_unknown_filters(city) -> None:
    assert metrics.compute("organizations.active", municipality=city.municipality,
                            fiscal_year=2024, kind="contractor") == 2
    with pytest.raises(ValueError, match="使えない条件"):
        metrics.compute("organizations.active", municipality=city.municipality,
                         fiscal_year=2024, area="北部")
