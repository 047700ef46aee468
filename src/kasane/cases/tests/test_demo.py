import pytest

from kasane.cases.models import Case, Referral
from kasane.web.demo import load_demo

pytestmark = pytest.mark.django_db


def test_it_loads_cases_in_every_status_idempotently(settings):
    settings.DEMO_MODE = True
    load_demo()
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == {"intake", "assessment", "planning", "supporting", "closed", "watching"}
    assert {"requested", "accepted", "declined", "proposed"} <= set(
        Referral.objects.values_list("status", flat=True))
    count = Case.objects.count()
    load_demo()
    assert Case.objects.count() == count
