"""Participation test helpers: a case (cases.tests.factories.setup_case), areas and places."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from kasane.areas.models import Area, AreaKind
from kasane.cases.tests.factories import setup_case
from kasane.resources.models import Place, PlaceSchedule, PlaceStatus, Provider

_N = [0]


def make_area(city: Any, code: str = "01", name: str = "北部圏域") -> Area:
    found, _ = Area.objects.get_or_create(municipality=city.municipality,
                                          kind=AreaKind.DAILY_LIFE_AREA, code=code,
                                          defaults={"name": name})
    return found


def make_place(city: Any, name: str = "", *, org: Any = None, area: Any = None,
               capacity: int | None = 5, current: int = 0,
               status: str = PlaceStatus.PUBLISHED, weekdays: tuple[str, ...] = ("MO",),
               **fields: Any) -> Place:
    _N[0] += 1
    provider = Provider.objects.create(municipality=city.municipality,
                                       name=f"運営団体{_N[0]}", organization=org)
    place = Place.objects.create(municipality=city.municipality, provider=provider,
                                 name=name or f"居場所{_N[0]}", kind="ibasho",
                                 capacity=capacity, current_participants=current, status=status,
                                 **fields)
    if area is not None:  # area is derived (editable=False) by the directory's services
        Place.objects.filter(pk=place.pk).update(area=area)
        place.refresh_from_db()
    for day in weekdays:
        PlaceSchedule.objects.create(place=place, weekday=day, opens_at=dt.time(10),
                                     closes_at=dt.time(12))
    return place


def setup(city: Any, **kw: Any) -> SimpleNamespace:
    """A case opened by the 推進員 (city org, involved) and a published place with seats."""
    s = setup_case(city, **kw)
    s.area = make_area(city)
    s.place = make_place(city, "北のカフェ", area=s.area, offers_work_trial=True)
    return s
