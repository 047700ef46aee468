"""The whole demo city (web's loader order: the resources demo's directory first) has
参加支援 matches in every stage, one shared with a place under consent, and active volunteers."""

from __future__ import annotations

from typing import Any

import pytest

from kasane.participation.models import Match, Stage, Volunteer
from kasane.web.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_whole_demo_city_has_matches_in_every_stage(settings: Any) -> None:
    settings.DEMO_MODE = True
    load_demo()
    assert set(Match.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert Match.objects.filter(host_org__isnull=False, consent__isnull=False).exists()
    assert Volunteer.objects.filter(assignments__status="active").exists()
