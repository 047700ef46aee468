"""GET /api/v1/resources (contract of issue 17)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from kasane.areas.tests.factories import make_areas
from kasane.resources.tests.factories import place

pytestmark = pytest.mark.django_db


def test_published_places_with_area_code_and_vacancies(city: SimpleNamespace,
                                                        client: Client) -> None:
    make_areas(city.municipality)
    north = place(city, "本町の居場所")
    south = place(city, "南の食堂", address="重ね市本町2-1", capacity=None, current_participants=3)
    place(city, "下書きの場", publish=False)
    client.force_login(city.recorder)
    body = client.get("/api/v1/resources").json()
    assert body["count"] == 2
    assert {"id": north.pk, "name": "本町の居場所", "area": "01", "capacity": 10,
            "vacancies": 6} in body["items"]
    assert {"id": south.pk, "name": "南の食堂", "area": "02", "capacity": None,
            "vacancies": None} in body["items"]
    only = client.get("/api/v1/resources", {"area": "02"}).json()
    assert [i["id"] for i in only["items"]] == [south.pk] and only["count"] == 1


def test_other_tenants_places_are_not_listed(city: SimpleNamespace, client: Client) -> None:
    place(city)
    client.force_login(city.other_admin)
    assert client.get("/api/v1/resources").json() == {"items": [], "count": 0}
