"""The person page shows the areas derived from the address; under 閲覧制限 only the
日常生活圏域 (小地域・民生委員地区 masked like the address)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client

from kasane.accounts.models import Membership
from kasane.areas.tests.factories import make_areas
from kasane.people import services as people_services

pytestmark = pytest.mark.django_db


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
