"""緊急案件: raise, targets, acknowledgement, one owner, emergency access, escalation with a
frozen clock, the timeline; summaries never reach notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kasane.access.models import EmergencyReview, Grant
from kasane.notify import policy, services
from kasane.notify.models import (
    AlertEvent,
    AlertRecipient,
    AlertStatus,
    Notification,
    RotaShift,
)
from kasane.people.tests.factories import actor, make_person

SUMMARY = "山田花子さん宅で倒れている可能性"


def _raise(city, **kw):
    args = {"urgency": "immediate", "summary": SUMMARY, "needed": "安否確認の訪問",
            "target_organization_ids": [city.orgs["houkatsu"].pk]}
    args.update(kw)
    return services.alert_raise(actor=actor(city.recorder), **args)


def test_it_sends_to_the_named_organizations_without_the_summary(city) -> None:
    alert = _raise(city)
    assert alert.status == AlertStatus.RAISED
    assert list(AlertRecipient.objects.filter(alert=alert).values_list("user__username", flat=True)) == ["partner"]
    note = Notification.objects.get(user=city.partner)
    assert note.title == f"緊急案件（即時）#{alert.pk}が届きました"
    assert "山田" not in note.title and note.priority == 0
    assert [e.kind for e in AlertEvent.objects.filter(alert=alert)] == ["raised"]


def test_it_refuses_an_alert_without_a_target(city) -> None:
    with pytest.raises(ValidationError) as exc:
        _raise(city, target_organization_ids=[])
    assert "発信先" in exc.value.message_dict["target_organization_ids"][0]


def test_it_refuses_bad_fields_all_at_once(city) -> None:
    with pytest.raises(ValidationError) as exc:
        _raise(city, urgency="later", summary="", needed="",
               target_organization_ids=[city.other_org.pk])
    assert set(exc.value.message_dict) == {"urgency", "summary", "needed",
                                           "target_organization_ids"}


def test_roles_without_person_work_cannot_raise(city) -> None:
    with pytest.raises(PermissionDenied):
        services.alert_raise(actor=actor(city.admin), urgency="today", summary="x", needed="y",
                             to_rota=True)


def test_to_rota_reaches_the_weeks_first_on_call(city) -> None:
    from kasane.accounts.models import Membership

    monday = RotaShift.monday(timezone.localdate())
    RotaShift.objects.create(municipality=city.municipality, week_start=monday,
                             membership=Membership.objects.get(user=city.coordinator,
                                                               role="coordinator"))
    alert = _raise(city, target_organization_ids=[], to_rota=True)
    assert list(alert.recipients.values_list("user_id", flat=True)) == [city.coordinator.pk]


def test_acknowledge_take_and_resolve(city) -> None:
    alert = _raise(city)
    partner = actor(city.partner)
    with pytest.raises(PermissionDenied):
        services.alert_acknowledge(actor=actor(city.outsider), alert=alert)
    alert = services.alert_acknowledge(actor=partner, alert=alert)
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.escalate_at is None
    alert = services.alert_take(actor=partner, alert=alert)
    assert alert.status == AlertStatus.IN_PROGRESS and alert.owner_id == city.partner.pk
    # the raiser's org was told, without the summary
    update = Notification.objects.filter(user=city.recorder, kind="alert_update")
    assert update.count() == 2 and all("山田" not in n.title for n in update)
    alert = services.alert_resolve(actor=actor(city.recorder), alert=alert, note="無事を確認")
    assert alert.status == AlertStatus.RESOLVED
    assert [e.kind for e in alert.timeline.all()] == ["raised", "acknowledged", "owned",
                                                      "resolved"]


def test_only_one_owner(city) -> None:
    from kasane.accounts.models import Membership, Role, User

    second = User.objects.create_user(username="partner2", password="x",
                                      municipality=city.municipality)
    Membership.objects.create(user=second, organization=city.orgs["houkatsu"],
                              role=Role.CASEWORKER)
    alert = _raise(city)
    services.alert_take(actor=actor(city.partner), alert=alert)
    with pytest.raises(ValidationError):
        services.alert_take(actor=actor(second), alert=alert)


def test_the_owner_reaches_the_person_through_emergency_access(city) -> None:
    person = make_person(city.recorder)
    alert = _raise(city, person_id=person.pk)
    partner = actor(city.partner)
    with pytest.raises(PermissionDenied):  # not the owner yet
        services.alert_emergency_access(actor=partner, alert=alert, reason="安否確認のため住所が必要")
    services.alert_take(actor=partner, alert=alert)
    reviews = services.alert_emergency_access(actor=partner, alert=alert,
                                              reason="安否確認のため住所が必要")
    assert len(reviews) == 1
    grant = Grant.objects.get(pk=reviews[0].grant_id)
    assert grant.organization_id == city.orgs["houkatsu"].pk and grant.basis == "emergency"
    assert EmergencyReview.objects.filter(pk=reviews[0].pk, reviewed_at__isnull=True).exists()
    assert alert.timeline.filter(kind="emergency_access").exists()


def test_nobody_else_sees_the_alert(city) -> None:
    alert = _raise(city)
    assert policy.require_alert(actor(city.partner), alert.pk) == alert
    assert policy.require_alert(actor(city.recorder), alert.pk) == alert
    with pytest.raises(Http404):
        policy.require_alert(actor(city.outsider), alert.pk)


def test_it_escalates_when_nobody_acknowledges_with_a_frozen_clock(city, settings) -> None:
    from kasane.accounts.models import Membership

    settings.KASANE_ALERT_ESCALATE_MINUTES = 10
    monday = RotaShift.monday(timezone.localdate())
    RotaShift.objects.create(municipality=city.municipality, week_start=monday, order=1,
                             membership=Membership.objects.get(user=city.outsider))
    alert = _raise(city)
    start = alert.created_at
    assert services.alert_escalate_due(now=start + dt.timedelta(minutes=9)) == 0
    assert services.alert_escalate_due(now=start + dt.timedelta(minutes=10)) == 1
    alert.refresh_from_db()
    assert alert.level == 1
    assert AlertRecipient.objects.get(alert=alert, user=city.outsider).level == 1
    assert Notification.objects.filter(user=city.outsider, kind="alert").exists()
    # run again at the same minute: nothing more (idempotent)
    assert services.alert_escalate_due(now=start + dt.timedelta(minutes=10)) == 0
    # 20 minutes on, still nobody: every coordinator of the municipality
    assert services.alert_escalate_due(now=start + dt.timedelta(minutes=21)) == 1
    alert.refresh_from_db()
    assert alert.level == 2 and alert.escalate_at is None
    assert AlertRecipient.objects.filter(alert=alert, user=city.coordinator, level=2).exists()
    assert alert.timeline.filter(kind="escalated").count() == 2


def test_an_acknowledged_alert_does_not_escalate(city) -> None:
    alert = _raise(city)
    services.alert_acknowledge(actor=actor(city.partner), alert=alert)
    assert services.alert_escalate_due(now=timezone.now() + dt.timedelta(hours=1)) == 0


def test_raising_schedules_the_escalation_task_when_the_queue_can_defer(
        city, settings, django_capture_on_commit_callbacks) -> None:
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        alert = _raise(city)
    queued = [r for r in default_task_backend.results
              if r.task.func.__name__ == "escalate_alert"]
    assert len(queued) == 1 and queued[0].args == [alert.pk]
    assert queued[0].task.run_after == alert.escalate_at
