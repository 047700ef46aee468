"""The demo city: three 圏域 with an address table covering every demo person, ≥ 60 places
in every 圏域, one place 未設定."""

from __future__ import annotations

import pytest

from kasane.accounts import demo as accounts_demo
from kasane.areas import demo as areas_demo
from kasane.areas.coverage import uncovered
from kasane.areas.models import Area, AreaKind
from kasane.people import demo as people_demo
from kasane.people.models import Person
from kasane.resources import demo
from kasane.resources.models import Place, PlaceStatus, Provider

pytestmark = pytest.mark.django_db


def test_demo_areas_and_places_idempotently(settings: object) -> None:
    settings.DEMO_MODE = True  # type: ignore[attr-defined]
    data = accounts_demo.load()
    for load in (people_demo.load, areas_demo.load, demo.load, areas_demo.load, demo.load):
        load(data)
    daily = Area.objects.filter(kind=AreaKind.DAILY_LIFE_AREA)
    assert daily.count() == 3
    assert Area.objects.filter(kind=AreaKind.SMALL_AREA).count() == 10
    published = Place.objects.filter(status=PlaceStatus.PUBLISHED)
    assert Place.objects.count() >= 60
    assert set(published.values_list("area__code", flat=True)) == {"01", "02", "03"}
    assert Provider.objects.filter(organization__isnull=False).count() == 3
    found = uncovered(daily.first().municipality_id)  # type: ignore[union-attr]
    assert [u.label for u in found["places"]] == ["新町ふれあいサロン（新設）"]
    assert Person.objects.exists() and found["persons"] == []  # every demo person is covered
