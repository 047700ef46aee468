"""N+1 guards (issue 13) for the directory and areas lists, pages and API."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from kasane.areas.models import Area, AreaKind
from kasane.areas.tests.factories import address_row, make_areas
from kasane.core.testing import assert_flat_queries
from kasane.resources import services
from kasane.resources.tests.factories import place, provider

pytestmark = pytest.mark.django_db


def _adder(city: SimpleNamespace):  # type: ignore[no-untyped-def]
    make_areas(city.municipality)
    owner = provider(city)
    made: list[int] = []

    def add(n: int) -> None:
        for _ in range(n):
            p = place(city, f"場 {len(made)}", owner=owner)
            services.replace_schedules(p, [services.ScheduleIn("MO"), services.ScheduleIn("TU")])
            made.append(p.pk)
    return add


def test_resources_list_and_api(city: SimpleNamespace, client: Client) -> None:
    client.force_login(city.secretariat)
    add = _adder(city)
    assert_flat_queries(add, lambda: client.get("/resources/"), label="resources list")


def test_resources_api_and_public_csv(city: SimpleNamespace, client: Client) -> None:
    client.force_login(city.recorder)
    add = _adder(city)
    assert_flat_queries(add, lambda: client.get("/api/v1/resources"), label="GET /api/v1/resources")


def test_public_csv(city: SimpleNamespace, client: Client) -> None:
    client.force_login(city.recorder)
    add = _adder(city)
    assert_flat_queries(add, lambda: client.get("/resources/public/directory.csv"),
                        label="directory.csv")


def test_areas_pages_and_api(city: SimpleNamespace, client: Client) -> None:
    client.force_login(city.secretariat)
    areas = make_areas(city.municipality)

    def add(n: int) -> None:
        for _ in range(n):
            i = Area.objects.count()
            area = Area.objects.create(municipality=city.municipality, kind=AreaKind.SMALL_AREA,
                                       code=f"x{i}", name=f"地区{i}", parent=areas.north)
            address_row(city.municipality, f"重ね市新町{i}丁目", area)
    assert_flat_queries(add, lambda: client.get("/areas/addresses/"), label="areas addresses")
    assert_flat_queries(lambda n: add(n), lambda: client.get("/areas/"), label="areas index")
    assert_flat_queries(lambda n: add(n), lambda: client.get("/api/v1/areas"), label="GET /api/v1/areas")
