"""Areas screens: import errors at the field (the address-table screens with places are
tested in resources, the person page's areas in people)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.test import Client

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
