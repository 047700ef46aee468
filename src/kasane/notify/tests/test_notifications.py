"""Notifications created from domain events: recipients through the policies, no personal data
in titles, read state, settings, dedupe."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kasane.cases import services as case_services
from kasane.cases.tests.factories import refer, setup_case
from kasane.notify import services
from kasane.notify.models import Channel, Notification, NotificationSetting
from kasane.notify.services.notifications import notify
from kasane.people.tests.factories import actor


def _titles(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_it_tells_the_receiving_org_of_a_referral_and_nobody_else(city) -> None:
    s = setup_case(city)
    ref = refer(s, city.orgs["houkatsu"])
    note = Notification.objects.get(user=city.partner)
    assert note.kind == "referral_received"
    assert note.url == f"/cases/referrals/{ref.pk}/"
    assert "山" not in note.title and s.person.full_name not in note.title
    assert not Notification.objects.filter(user=city.outsider).exists()
    assert not Notification.objects.filter(user=city.coordinator).exists()  # the sender
    assert not Notification.objects.filter(user=city.admin).exists()


def test_it_tells_the_requesting_org_of_the_answer(city) -> None:
    s = setup_case(city)
    ref = refer(s, city.orgs["houkatsu"])
    case_services.referral_accept(actor=s.partner, referral=ref)
    assert _titles(city.coordinator) == [f"つなぎ #{ref.pk} に回答がありました（受理）"]


def test_a_rolled_back_referral_leaves_no_notification(city) -> None:
    from django.db import transaction

    s = setup_case(city)
    with pytest.raises(RuntimeError), transaction.atomic():
        refer(s, city.orgs["houkatsu"])
        raise RuntimeError
    assert not Notification.objects.exists()


def test_emergency_access_asks_coordinators_to_review(city) -> None:
    from kasane.access.services import emergency_access_request
    from kasane.people.tests.factories import make_person

    person = make_person(city.recorder)
    emergency_access_request(actor=actor(city.partner), person_id=person.pk,
                             reason="本人と連絡が取れず安否確認が必要なため")
    note = Notification.objects.get(user=city.coordinator)
    assert note.kind == "emergency_review"
    assert person.full_name not in note.title
    assert not Notification.objects.filter(user=city.partner).exists()


def test_it_marks_read_only_the_users_own(city) -> None:
    s = setup_case(city)
    refer(s, city.orgs["houkatsu"])
    note = Notification.objects.get(user=city.partner)
    with pytest.raises(Http404):
        services.notification_mark_read(user=city.outsider, notification_id=note.pk)
    services.notification_mark_read(user=city.partner, notification_id=note.pk)
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_dedupe_key_makes_it_once_per_user(city) -> None:
    members = [actor(city.partner)]
    first = notify(memberships=members, kind="referral_overdue", title="期限", dedupe_key="k1")
    again = notify(memberships=members, kind="referral_overdue", title="期限", dedupe_key="k1")
    assert len(first) == 1 and again == []


def test_settings_turn_a_kind_off_but_never_the_alert(city) -> None:
    services.settings_save(user=city.partner, choices={
        "referral_received": {"in_app": False, "email": False},
        "alert": {"in_app": False, "email": False}})
    assert not NotificationSetting.objects.get(user=city.partner, kind="referral_received",
                                               channel=Channel.IN_APP).enabled
    assert NotificationSetting.objects.get(user=city.partner, kind="alert",
                                           channel=Channel.IN_APP).enabled
    s = setup_case(city)
    refer(s, city.orgs["houkatsu"])
    assert not Notification.objects.filter(user=city.partner).exists()
    with pytest.raises(ValidationError):
        services.settings_save(user=city.partner, choices={"nope": {}})


def test_a_checked_and_a_finished_import_tell_their_requester(city, settings, tmp_path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kasane.sheets import imports

    settings.MEDIA_ROOT = tmp_path
    me = actor(city.recorder)
    job = imports.import_create(actor=me, code="nine_grid", upload=SimpleUploadedFile(
        "in.csv", "中心の課題,本人の力,家族の力\n課題A,料理が得意,長女\n".encode()))
    job = imports.run_check(job)
    note = Notification.objects.get(user=city.recorder, kind="import_finished")
    assert note.url == f"/sheets/import/{job.pk}/" and "確認が終わりました" in note.title
    imports.run_commit(job)
    assert Notification.objects.filter(user=city.recorder, kind="import_finished").count() == 2
    assert not Notification.objects.filter(kind="import_finished").exclude(
        user=city.recorder).exists()


def test_a_role_request_asks_coordinators_and_other_admins(city) -> None:
    from kasane.accounts import services as account_services
    from kasane.accounts.models import Role

    account_services.membership_add(actor=city.admin, user=city.partner,
                                    organization=city.orgs["shakyo"], role=Role.COORDINATOR)
    note = Notification.objects.get(user=city.coordinator)
    assert note.kind == "role_request" and "partner" not in note.title
    assert not Notification.objects.filter(user__in=[city.admin, city.partner]).exists()
