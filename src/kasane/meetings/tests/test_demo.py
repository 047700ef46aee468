import pytest
from django.utils import timezone

from kasane.accounts import demo as accounts_demo
from kasane.cases import demo as cases_demo
from kasane.cases.models import CaseEvent
from kasane.meetings import demo
from kasane.meetings.models import Decision, Meeting
from kasane.people import demo as people_demo
from kasane.sheets import demo as sheets_demo

pytestmark = pytest.mark.django_db


def load_demo() -> None:
    """This app's demo data and the apps' below it, in order (web loads the whole city)."""
    data = accounts_demo.load()
    for load in (people_demo.load, sheets_demo.load, cases_demo.load, demo.load):
        load(data)


def test_it_loads_past_and_upcoming_meetings_idempotently(settings):
    settings.DEMO_MODE = True
    load_demo()
    now = timezone.now()
    past = Meeting.objects.filter(starts_at__lt=now)
    assert {m.body.type for m in past} == {"support_meeting", "multilayer_meeting"}
    assert past.filter(minutes_approved_at__isnull=False, items__minutes__gt="").exists()
    upcoming = Meeting.objects.filter(starts_at__gt=now)
    assert upcoming.filter(items__isnull=False).exists()
    plan = Decision.objects.get(kind="plan_approved").plan
    assert plan.status == "approved"
    assert CaseEvent.objects.filter(plan=plan, link__startswith="/meetings/").exists()
    count = Meeting.objects.count()
    load_demo()
    assert Meeting.objects.count() == count
