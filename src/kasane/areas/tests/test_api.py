"""GET /api/v1/areas and /api/v1/areas/lookup (contract of issue 17)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from kasane.areas.models import Area, AreaKind
from kasane.areas.tests.factories import make_areas

pytestmark = pytest.mark.django_db


def test_areas_are_listed_daily_life_areas_first(city: SimpleNamespace, client: Client) -> None:
    make_areas(city.municipality)
    Area.objects.create(municipality=city.municipality, kind=AreaKind.MINSEI_DISTRICT, code="A1",
                        name="第1地区")
    Area.objects.create(municipality=city.other, kind=AreaKind.DAILY_LIFE_AREA, code="00",
                        name="他区の圏域")
    client.force_login(city.recorder)
    body = client.get("/api/v1/areas").json()
    assert body == {"items": [
        {"code": "01", "name": "北部圏域", "kind": "daily_life_area"},
        {"code": "02", "name": "南部圏域", "kind": "daily_life_area"},
        {"code": "01-1", "name": "本町地区", "kind": "small_area"},
        {"code": "A1", "name": "第1地区", "kind": "minsei_district"}]}


def test_lookup_answers_the_daily_life_area_or_404(city: SimpleNamespace, client: Client) -> None:
    make_areas(city.municipality)
    client.force_login(city.recorder)
    ok = client.get("/api/v1/areas/lookup", {"address": "重ね市本町二丁目3番4号"})
    assert ok.status_code == 200 and ok.json() == {"code": "02", "name": "南部圏域"}
    missing = client.get("/api/v1/areas/lookup", {"address": "重ね市東町1-1"})
    assert missing.status_code == 404 and "圏域" in missing.json()["detail"]


def test_areas_need_a_member(client: Client) -> None:
    assert client.get("/api/v1/areas").status_code in (401, 403)
