"""A small areas master for tests: two 日常生活圏域, a 小地域 and an address table."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from kasane.areas.keys import prefix_key
from kasane.areas.models import AddressArea, Area, AreaKind


def address_row(muni: Any, prefix: str, area: Area) -> AddressArea:
    return AddressArea.objects.create(municipality=muni, prefix=prefix,
                                      prefix_key=prefix_key(prefix), kind=area.kind, area=area)


def make_areas(muni: Any) -> SimpleNamespace:
    north = Area.objects.create(municipality=muni, kind=AreaKind.DAILY_LIFE_AREA, code="01",
                                name="北部圏域")
    south = Area.objects.create(municipality=muni, kind=AreaKind.DAILY_LIFE_AREA, code="02",
                                name="南部圏域")
    small = Area.objects.create(municipality=muni, kind=AreaKind.SMALL_AREA, code="01-1",
                                name="本町地区", parent=north)
    address_row(muni, "重ね市本町", north)
    address_row(muni, "重ね市本町二丁目", south)
    address_row(muni, "重ね市本町", small)
    return SimpleNamespace(muni=muni, north=north, south=south, small=small)
