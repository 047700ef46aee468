"""Community test helpers: the three 圏域 of 重ね市, an area committee with its next meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kasane.areas.models import Area
from kasane.meetings import services as meeting_services
from kasane.meetings.models import MeetingType
from kasane.people.tests.factories import actor

AREAS = (("N", "北部"), ("C", "中部"), ("S", "南部"))


def make_areas(city: Any) -> dict[str, Area]:
    return {code: Area.objects.get_or_create(municipality=city.municipality, kind="daily_life_area",
                                             code=code, defaults={"name": name})[0]
            for code, name in AREAS}


def make_committee(city: Any, area: Area, *, days: float = 7) -> Any:
    """The area's 福祉のまちづくり委員会 (社協 is its 事務局) and its next meeting."""
    coord = actor(city.coordinator)
    body = meeting_services.body_create(actor=coord, name=f"{area.name}福祉のまちづくり委員会",
                                        type=MeetingType.AREA_COMMITTEE, review_days=0,
                                        organizer_id=city.orgs["shakyo"].pk, area_id=area.pk)
    meeting = meeting_services.meeting_create(
        actor=coord, body=body, starts_at=timezone.now() + dt.timedelta(days=days),
        place="地域福祉センター")
    return body, meeting


def square(lon: float, lat: float, size: float = 0.01) -> dict[str, Any]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}
