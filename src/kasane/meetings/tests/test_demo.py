import pytest
from django.utils import timezone

from kasane.cases.models import CaseEvent
from kasane.meetings.models import Decision, Meeting
from kasane.web.demo import load_demo

pytestmark = pytest.mark.django_db


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
