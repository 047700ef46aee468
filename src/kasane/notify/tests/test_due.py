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


def test_a_watch_check_due_tells_the_watching_org(city) -> None:
    from kasane.cases.models import Closure

    s = setup_case(city)
    closure = case_services.case_close(
        actor=s.coord, case=s.case, reason="goal_met", evaluation="安定", watch=True,
        watch_org_id=city.orgs["city"].pk, watch_method="月1回の電話",
        next_check_on=timezone.localdate() + dt.timedelta(days=7))
    assert notify_due()["check_due"] == 0
    Closure.objects.filter(pk=closure.pk).update(next_check_on=timezone.localdate())
    assert notify_due()["check_due"] == 1
    assert Notification.objects.get(kind="check_due").user == city.coordinator


def test_a_meeting_soon_reminds_attendees_without_a_pledge(city) -> None:
    from kasane.meetings.tests.factories import make_body, make_meeting

    meeting = make_meeting(city, make_body(city), days=2)
    far = make_meeting(city, make_body(city, name="別の支援会議"), days=20)
    from kasane.meetings.models import Attendee

    unsigned = set(Attendee.objects.filter(meeting=meeting, pledge__isnull=True)
                   .values_list("user_id", flat=True))
    assert city.partner.pk in unsigned
    assert notify_due()["meeting_soon"] == len(unsigned)
    notes = Notification.objects.filter(kind="meeting_soon")
    assert set(notes.values_list("user_id", flat=True)) == unsigned
    assert {n.url for n in notes} == {f"/meetings/{meeting.pk}/"}
    assert not Notification.objects.filter(object_id=str(far.pk)).exists()
    assert notify_due()["meeting_soon"] == 0


def test_the_daily_digest_is_one_mail_a_day(city, settings) -> None:
    from kasane.notify import services
    from kasane.notify.models import EmailDelivery

    settings.EMAIL_HOST = "127.0.0.1"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    city.partner.email = "partner@houkatsu.example.jp"
    city.partner.save()
    services.settings_save(user=city.partner, choices={
        "referral_received": {"in_app": True, "email": True, "digest": True}})
    s = setup_case(city)
    refer(s, city.orgs["houkatsu"])
    assert not EmailDelivery.objects.exists()  # not at once: in the digest
    assert notify_due()["digests"] == 1
    mail = EmailDelivery.objects.get()
    assert "つなぎの依頼が届いた: 1件" in mail.body and "/notifications/" in mail.body
    assert s.person.family_name not in mail.body
    assert notify_due()["digests"] == 0
