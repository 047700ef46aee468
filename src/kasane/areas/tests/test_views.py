"""Areas screens: import errors at the field, address rows, 未設定, the person page's areas."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.test import Client

from kasane.accounts.models import Membership
from kasane.areas.models import AddressArea
from kasane.areas.tests.factories import make_areas
from kasane.people import services as people_services
from kasane.resources.tests.factories import place

pytestmark = pytest.mark.django_db


def _upload(text: str, name: str) -> io.BytesIO:
    data = io.BytesIO(text.encode())
    data.name = name
    return data


def test_import_and_row_errors_at_the_field(city: SimpleNamespace, client: Client) -> None:
    client.force_login(city.secretariat)
    ok = client.post("/areas/", {"file": _upload("種別,コード,名称\n日常生活圏域,01,北部圏域\n", "a.csv")})
    assert ok.status_code == 302
    bad = client.post("/areas/", {"file": _upload("住所,日常生活圏域\n重ね市本町,09\n", "b.csv")})
    assert bad.status_code == 400
    assert "b.csv 2行目: 日常生活圏域: コード 09 の圏域が登録されていません。" in bad.content.decode()
    client.force_login(city.recorder)
    assert client.post("/areas/", {"file": _upload("x", "c.csv")}).status_code == 403


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


def test_person_page_shows_areas_masked_below_the_daily_life_area(city: SimpleNamespace,
                                                                  client: Client) -> None:
    make_areas(city.municipality)
    actor = Membership.objects.select_related("organization", "user").get(user=city.recorder)
    person = people_services.person_create(actor=actor, fields={
        "family_name": "山田", "given_name": "花子", "family_name_kana": "ヤマダ",
        "given_name_kana": "ハナコ", "birth_date": dt.date(1990, 1, 1),
        "address": "重ね市本町一丁目4番5号"})
    client.force_login(city.recorder)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "01 北部圏域" in page and "01-1 本町地区" in page
    person.restriction = "dv"
    person.save(update_fields=["restriction"])
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "01 北部圏域" in page and "本町地区" not in page and "閲覧制限" in page
