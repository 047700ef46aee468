"""place_participants_adjust: the participant count moves with the row locked, never past the
capacity nor below zero, audited with its reason; another tenant's place is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kasane.accounts.models import Membership
from kasane.audit.models import AccessLog, ChangeRecord
from kasane.resources.models import Place
from kasane.resources.services import place_participants_adjust

from .factories import editor, place

pytestmark = pytest.mark.django_db


def _changes(p: Place) -> list[Any]:
    return [{"current_participants": c["current_participants"]} for c in
            ChangeRecord.objects.filter(model="resources.Place", object_id=str(p.pk),
                                        reason__startswith="参加支援")
            .order_by("id").values_list("changes", flat=True)]


def test_it_adds_a_participant_and_records_the_change_with_its_reason(city: Any) -> None:
    p = place(city, capacity=5, current_participants=4)
    actor = Membership.objects.get(user=city.recorder)  # a caseworker, not a directory editor
    got = place_participants_adjust(place=p, delta=1, actor=actor, reason="参加支援の開始（マッチ 1）")
    assert got.current_participants == 5 == Place.objects.get(pk=p.pk).current_participants
    assert p.current_participants == 5
    assert _changes(p) == [{"current_participants": [4, 5]}]
    log = AccessLog.objects.get(action="resources.place.participants", object_id=str(p.pk))
    assert log.user_id == city.recorder.pk and log.detail == "参加支援の開始（マッチ 1）"


def test_it_refuses_past_the_capacity_and_writes_nothing(city: Any) -> None:
    p = place(city, capacity=4, current_participants=4)
    with pytest.raises(ValidationError) as err:
        place_participants_adjust(place=p, delta=1, actor=editor(city), reason="参加支援の開始")
    assert "定員（4人）に達しています" in str(err.value.message_dict["current_participants"])
    assert Place.objects.get(pk=p.pk).current_participants == 4 and _changes(p) == []


def test_it_never_goes_below_zero(city: Any) -> None:
    p = place(city, capacity=None, current_participants=1)
    place_participants_adjust(place=p, delta=-1, actor=editor(city), reason="参加支援の終了")
    place_participants_adjust(place=p, delta=-1, actor=editor(city), reason="参加支援の終了")
    assert Place.objects.get(pk=p.pk).current_participants == 0
    assert _changes(p) == [{"current_participants": [1, 0]}]


def test_another_tenants_actor_is_refused(city: Any) -> None:
    p = place(city)
    other = Membership.objects.get(user=city.other_admin)
    with pytest.raises(ValidationError):
        place_participants_adjust(place=p, delta=1, actor=other, reason="参加支援の開始")
    assert Place.objects.get(pk=p.pk).current_participants == 4
