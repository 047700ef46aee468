"""The metric registry: registration, lookup, filters and the tenant's figures."""

import pytest

from kasane.stats import registry


def test_it_registers_and_refuses_duplicates_and_bad_units() -> None:
    metric = registry.Metric(key="test.one", label="テスト", unit="件", description="",
                             fn=lambda m, fy: 1)
    registry.register(metric)
    assert registry.get("test.one") is metric
    with pytest.raises(ValueError):
        registry.register(registry.Metric(key="test.one", label="x", unit="件", description="",
                                          fn=lambda m, fy: 2))
    with pytest.raises(ValueError):
        registry.register(registry.Metric(key="test.two", label="x", unit="個", description="",
                                          fn=lambda m, fy: 2))
    with pytest.raises(KeyError, match="登録されていません"):
        registry.get("nope")


@pytest.mark.django_db
def test_it_counts_coordinators_once_per_person_in_the_tenant(city) -> None:
    from kasane.accounts.models import Membership, Role

    Membership.objects.create(user=city.coordinator, organization=city.orgs["shakyo"],
                              role=Role.COORDINATOR)
    assert registry.compute("staff.coordinators", municipality=city.municipality,
                            fiscal_year=2024) == 1
    assert registry.compute("staff.coordinators", municipality=city.other,
                            fiscal_year=2024) == 0


@pytest.mark.django_db
def test_it_filters_organizations_by_kind_and_refuses_unknown_filters(city) -> None:
    assert registry.compute("organizations.active", municipality=city.municipality,
                            fiscal_year=2024, kind="contractor") == 2
    with pytest.raises(ValueError, match="使えない条件"):
        registry.compute("organizations.active", municipality=city.municipality,
                         fiscal_year=2024, area="北部")


@pytest.mark.django_db
def test_it_lists_metrics_for_the_secretariat_only(city, client) -> None:
    client.force_login(city.secretariat)
    page = client.get("/stats/?fiscal_year=2024").content.decode()
    assert "相談支援包括化推進員 配置数" in page and "P0-1" in page
    body = client.get("/api/v1/stats/metrics?fiscal_year=2024").json()
    values = {m["key"]: m["value"] for m in body["items"]}
    assert values["staff.coordinators"] == 1 and values["pdca.targets.achieved_rate"] is None
    client.force_login(city.recorder)
    assert client.get("/stats/").status_code == 403
    assert client.get("/api/v1/stats/metrics").status_code == 403


@pytest.mark.django_db
def test_it_counts_meetings_held_and_cases_discussed_per_type_and_fiscal_year(city) -> None:
    import datetime as dt

    from django.utils import timezone

    from kasane.core.wareki import fiscal_year
    from kasane.meetings import services
    from kasane.meetings.tests import factories

    body = factories.make_body(city)
    held = factories.make_meeting(city, body, days=-2)
    for _ in range(2):
        services.agenda_add(actor=factories.actor(city.coordinator), meeting=held,
                            case_id=factories.make_case(city).case.pk, question="役割分担")
    factories.make_meeting(city, body, days=5)  # not held yet
    fy = fiscal_year(timezone.localdate() - dt.timedelta(days=2))
    figures = {key: registry.compute(f"meetings.{key}", municipality=city.municipality,
                                     fiscal_year=fy)
               for key in ("support_meeting.held", "support_meeting.cases",
                           "multilayer_meeting.held")}
    assert figures == {"support_meeting.held": 1, "support_meeting.cases": 2,
                       "multilayer_meeting.held": 0}
    assert registry.get("meetings.support_meeting.held").national_id == "P2-3"
    assert registry.compute("meetings.support_meeting.held", municipality=city.other,
                            fiscal_year=fy) == 0
