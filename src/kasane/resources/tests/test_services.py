"""Places: field errors in Japanese, the area derived from the address, publish/verify."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kasane.accounts.models import Membership
from kasane.areas import services as area_services
from kasane.areas.models import AddressArea
from kasane.areas.tests.factories import make_areas
from kasane.audit.models import AccessLog
from kasane.resources import services
from kasane.resources.models import Place, PlaceStatus
from kasane.resources.tests.factories import editor, place, provider

pytestmark = pytest.mark.django_db


def test_capacity_below_participants_is_a_field_error(city: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as exc:
        place(city, capacity=3, current_participants=5)
    assert "定員（3人）が現在の参加者数（5人）より少なく" in exc.value.message_dict["capacity"][0]
    assert not Place.objects.exists()
    made = place(city)
    with pytest.raises(ValidationError) as exc:
        services.place_save(actor=editor(city), provider=made.provider, place=made,
                            values={"capacity": 2})
    assert "capacity" in exc.value.message_dict
    made.refresh_from_db()
    assert made.capacity == 10


def test_other_field_errors(city: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as exc:
        place(city, age_min=20, age_max=10, email="x", url="ftp://x", kind="zoo")
    errors = exc.value.message_dict
    assert set(errors) == {"age_max", "email", "url", "kind"}


def test_area_is_derived_and_follows_the_table(city: SimpleNamespace) -> None:
    areas = make_areas(city.municipality)
    made = place(city, address="重ね市本町二丁目5番")
    assert made.area == areas.south
    elsewhere = place(city, "東町の居場所", address="重ね市東町1-1")
    assert elsewhere.area is None  # 未設定, never guessed
    row = AddressArea.objects.get(prefix="重ね市本町二丁目")
    area_services.address_row_delete(actor=editor(city), row=row)
    made.refresh_from_db()
    assert made.area == areas.north  # re-derived from the shorter prefix


def test_publish_verify_close_are_audited(city: SimpleNamespace) -> None:
    made = place(city, publish=False)
    assert made.status == PlaceStatus.DRAFT
    services.place_publish(actor=editor(city), place=made)
    services.place_verify(actor=editor(city), place=made, on=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError):
        services.place_verify(actor=editor(city), place=made,
                              on=timezone.localdate() + dt.timedelta(days=1))
    services.place_close(actor=editor(city), place=made)
    made.refresh_from_db()
    assert (made.status, made.last_verified_on) == (PlaceStatus.CLOSED, dt.date(2026, 4, 1))
    actions = set(AccessLog.objects.values_list("action", flat=True))
    assert {"resources.place.save", "resources.place.publish", "resources.place.verify",
            "resources.place.close", "resources.provider.save"} <= actions


def test_only_editors_write(city: SimpleNamespace) -> None:
    owner = provider(city)
    caseworker = Membership.objects.select_related("organization").get(user=city.recorder)
    with pytest.raises(PermissionDenied):
        services.place_save(actor=caseworker, provider=owner, values={"name": "x", "kind": "salon"})
    shakyo = Membership.objects.select_related("organization").get(user=city.outsider)
    assert services.place_save(actor=shakyo, provider=owner,
                               values={"name": "社協サロン", "kind": "salon"}).pk


def test_history_dates_are_checked_and_closing_dates_the_place(city: SimpleNamespace) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        place(city, opened_on=dt.date(2024, 5, 1), closed_on=dt.date(2024, 4, 1),
              developed_on=tomorrow)
    errors = exc.value.message_dict
    assert errors["closed_on"] == ["休止・終了日は開設日より後にしてください。"]
    assert errors["developed_on"] == ["未来の日付は入力できません。"]
    made = place(city, opened_on=dt.date(2024, 5, 1), developed_on=dt.date(2024, 4, 20))
    services.place_close(actor=editor(city), place=made)
    made.refresh_from_db()
    assert made.closed_on == timezone.localdate()  # 休止・終了にする dates it (past years stay true)
    services.place_publish(actor=editor(city), place=made)
    made.refresh_from_db()
    assert made.closed_on is None and made.developed_on == dt.date(2024, 4, 20)
