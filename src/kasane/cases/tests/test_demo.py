import pytest

from kasane.accounts import demo as accounts_demo
from kasane.cases import demo
from kasane.cases.models import Case, Referral
from kasane.people import demo as people_demo
from kasane.sheets import demo as sheets_demo

pytestmark = pytest.mark.django_db


def load_demo() -> None:
    """This app's demo data and the apps' below it, in order (web loads the whole city)."""
    data = accounts_demo.load()
    for load in (people_demo.load, sheets_demo.load, demo.load):
        load(data)


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
