"""Meeting figures in the core metric registry (P2-3, P2-4)."""

import pytest

from kasane.core import metrics


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
    figures = {key: metrics.compute(f"meetings.{key}", municipality=city.municipality,
                                     fiscal_year=fy)
               for key in ("support_meeting.held", "support_meeting.cases",
                           "multilayer_meeting.held")}
    assert figures == {"support_meeting.held": 1, "support_meeting.cases": 2,
                       "multilayer_meeting.held": 0}
    assert metrics.get("meetings.support_meeting.held").national_id == "P2-3"
    assert metrics.compute("meetings.support_meeting.held", municipality=city.other,
                            fiscal_year=fy) == 0

