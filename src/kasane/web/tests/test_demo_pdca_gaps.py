"""The home's PDCA gaps (``pdca.selectors.unit_gaps``) answer what the built report's rows
say, for every unit and cycle of the demo city (web: the demo loader lives here)."""

from __future__ import annotations

import pytest

from kasane.accounts.models import Unit
from kasane.pdca.models import PdcaCycle
from kasane.pdca.tests.test_inbox import from_gaps, from_report
from kasane.web.demo import load_demo


@pytest.mark.django_db
def test_the_database_gaps_are_the_reports_business_rows_on_the_demo_city(settings) -> None:
    settings.DEMO_MODE = True
    load_demo()
    compared = 0
    for cycle in PdcaCycle.objects.all():
        for unit in Unit.objects.filter(municipality_id=cycle.municipality_id):
            got = from_gaps(cycle, unit.pk)
            assert got == from_report(cycle, unit.pk), (cycle.fiscal_year, unit.name)
            compared += len(got)
    assert compared > 0
