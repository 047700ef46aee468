"""The demo loads volunteers and matches in every stage on demo cases, idempotently."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from kasane.accounts import demo as accounts_demo
from kasane.cases import demo as cases_demo
from kasane.participation import demo
from kasane.participation.models import FollowUp, Match, Stage, Volunteer
from kasane.people import demo as people_demo
from kasane.sheets import demo as sheets_demo

from .factories import make_place

pytestmark = pytest.mark.django_db


def test_it_loads_volunteers_and_matches_in_every_stage(settings: Any) -> None:
    settings.DEMO_MODE = True
    data = accounts_demo.load()
    for load in (people_demo.load, sheets_demo.load, cases_demo.load, demo.load):
        load(data)
    assert Volunteer.objects.count() == len(demo.VOLUNTEERS)
    assert not Match.objects.exists()  # no published place yet (the resources demo makes them)
    city = SimpleNamespace(municipality=data["users"]["suishin"].municipality)
    for i in range(9):
        make_place(city, f"デモの場{i}", offers_work_trial=i % 2 == 0)
    demo.load(data)
    assert set(Match.objects.values_list("stage", flat=True)) == set(Stage.values)
    shared = Match.objects.get(stage=Stage.PROPOSED)
    assert shared.host_org_id == data["orgs"]["shougai_soudan"].pk and shared.consent_id
    assert FollowUp.objects.filter(on__isnull=False).count() == 2
    count = Match.objects.count()
    demo.load(data)
    assert Match.objects.count() == count and Volunteer.objects.count() == len(demo.VOLUNTEERS)

