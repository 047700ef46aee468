"""The areas screens with places: address rows added at the field, the 未設定 list."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from kasane.areas.models import AddressArea
from kasane.areas.tests.factories import make_areas
from kasane.resources.tests.factories import place

pytestmark = pytest.mark.django_db


def test_address_rows_and_uncovered(city: SimpleNamespace, client: Client) -> None:
    areas = make_areas(city.municipality)
    place(city, "東町の場", address="重ね市東町1-2-3")
    client.force_login(city.secretariat)
    response = client.post("/areas/addresses/", {"address_prefix": "重ね市本町", "area": areas.north.pk})
    assert response.status_code == 400 and "すでにあります" in response.content.decode()
    page = client.get("/areas/uncovered/").content.decode()
    assert "東町の場" in page
    client.post("/areas/addresses/", {"address_prefix": "重ね市東町", "area": areas.south.pk})
    assert AddressArea.objects.filter(prefix="重ね市東町").exists()
    assert "東町の場" not in client.get("/areas/uncovered/").content.decode()
