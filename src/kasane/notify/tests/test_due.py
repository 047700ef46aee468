"""``./kasane notify_due``: calendar reminders through the policies, once per key (a second run
the same day tells nobody again), escalations and retries in the same run."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from kasane.cases import services as case_services
from kasane.cases.models import Referral, SupportPlan
from kasane.cases.tests.factories import make_plan, refer, setup_case
from kasane.notify.models import Notification
from kasane.notify.services.due import notify_due


def test_an_overdue_referral_tells_both_sides_once(city) -> None:
    s = setup_case(city)
    ref = refer(s, city.orgs["houkatsu"])
    Referral.objects.filter(pk=ref.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    first = notify_due()
    assert first["referral_overdue"] == 2
    kinds = Notification.objects.filter(kind="referral_overdue")
    assert set(kinds.values_list("user__username", flat=True)) == {"partner", "coordinator"}
    assert notify_due()["referral_overdue"] == 0  # idempotent


def test_a_plan_review_due_tells_the_lead_org(city) -> None:
    s = setup_case(city)
    plan = case_services.plan_approve(actor=s.coord, plan=make_plan(s, city))
    SupportPlan.objects.filter(pk=plan.pk).update(review_on=timezone.localdate())
    assert notify_due()["plan_review_due"] == 1
    note = Notification.objects.get(kind="plan_review_due")
    assert note.user == city.coordinator and note.url == f"/cases/{s.case.pk}/"
    assert s.person.family_name not in note.title


def test_the_command_prints_its_counts(city) -> None:
    out = StringIO()
    call_command("notify_due", stdout=out)
    counts = json.loads(out.getvalue())
    assert set(counts) >= {"referral_overdue", "plan_review_due", "check_due", "meeting_soon",
                           "alerts_escalated", "deliveries_retried", "digests"}
