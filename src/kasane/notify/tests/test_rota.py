"""The 当番 rota screen and services: a coordinator sets the week's on-call and backup; others
only read; an alert to the rota reaches this week's on-call."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kasane.notify import services
from kasane.notify.models import RotaShift
from kasane.people.tests.factories import actor

pytestmark = pytest.mark.django_db


def test_a_coordinator_sets_the_rota_from_the_screen(city, client) -> None:
    client.force_login(city.coordinator)
    monday = RotaShift.monday(timezone.localdate())
    r = client.post("/alerts/rota/", {"week_start": monday.isoformat(), "user": "",
                                      "order": "0"})
    assert r.status_code == 400 and "職員" in r.content.decode()
    r = client.post("/alerts/rota/", {"week_start": monday.isoformat(),
                                      "user": str(city.partner.pk), "order": "0"})
    assert r.status_code == 302
    shift = RotaShift.objects.get()
    assert shift.membership.user == city.partner and shift.week_start == monday
    page = client.get("/alerts/rota/").content.decode()
    assert "partner" in page and "外す" in page
    alert = services.alert_raise(actor=actor(city.recorder), urgency="today", summary="s",
                                 needed="n", to_rota=True)
    assert list(alert.recipients.values_list("user_id", flat=True)) == [city.partner.pk]
    client.post(f"/alerts/rota/{shift.pk}/remove/")
    assert not RotaShift.objects.exists()


def test_others_read_only(city, client) -> None:
    client.force_login(city.partner)
    page = client.get("/alerts/rota/").content.decode()
    assert "当番を登録する" not in page
    with pytest.raises(PermissionDenied):
        services.rota_set(actor=actor(city.partner), week_start=timezone.localdate(),
                          user_id=city.partner.pk)
    client.force_login(city.admin)
    assert client.get("/alerts/rota/").status_code == 403


def test_no_one_twice_a_week_and_never_another_city(city) -> None:
    coord = actor(city.coordinator)
    today = timezone.localdate()
    services.rota_set(actor=coord, week_start=today, user_id=city.partner.pk)
    with pytest.raises(ValidationError):
        services.rota_set(actor=coord, week_start=today, user_id=city.partner.pk, order=1)
    from kasane.accounts.models import Membership, Role, User

    stranger = User.objects.create_user(username="stranger", password=None,
                                        municipality=city.other)
    Membership.objects.create(user=stranger, organization=city.other_org, role=Role.CASEWORKER)
    with pytest.raises(ValidationError):
        services.rota_set(actor=coord, week_start=today, user_id=stranger.pk)
