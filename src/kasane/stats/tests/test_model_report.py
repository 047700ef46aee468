"""The model-project report (part C): pre-filled fields from records, free text saved as
versions, 手入力 over a pre-filled value keeps the source, .docx and PDF exports, roles."""

from __future__ import annotations

import io

import pytest
from docx import Document

from kasane.stats import model_report
from kasane.stats.models import ModelReportText

from . import world

pytestmark = pytest.mark.django_db


def _fields(city, fy=2024):
    return {f["key"]: f for f in model_report.build(city.municipality, fy)}


def test_pre_filled_fields_come_from_the_records_and_never_invent(city):
    world.build(city)
    f = _fields(city)
    assert f["1-1-name"]["text"] == "東京都 重ね市"
    assert f["1-1-houkatsu"]["text"] == "1か所（地域包括北部）"
    assert f["4-4"]["text"].startswith("2人")  # P0-1 for 令和6年度
    assert f["4-7i"]["text"] == "支援会議 2回（検討 2件）、重層的支援会議 1回（検討 1件）"
    # P5-4 from the community records (world_p45: PB, PD, PJ)
    assert f["4-7e"]["text"] == "創出された社会資源 3か所" and not f["4-7e"]["missing"]


def test_each_save_is_a_new_version_and_typing_over_keeps_the_source(city, client):
    world.build(city)
    client.force_login(city.secretariat)
    url = "/stats/model-report/?fiscal_year=2024"
    client.post(url, {"1-2": "山と川に囲まれた住宅都市。", "4-4": "常勤2人"})
    client.post(url, {"1-2": "山と川に囲まれた住宅都市。商店街がある。", "4-4": "常勤2人"})
    assert list(ModelReportText.objects.filter(field_key="1-2").values_list("version", flat=True)
                .order_by("version")) == [1, 2]
    assert ModelReportText.objects.filter(field_key="4-4").count() == 1  # unchanged 2nd time
    f = _fields(city)
    assert f["1-2"]["text"].endswith("商店街がある。") and f["1-2"]["version"] == 2
    assert f["4-4"]["typed_over"] and f["4-4"]["source"].startswith("2人")
    page = client.get(url).content.decode()
    assert "手入力" in page and "記録からの値: 2人" in page
    doc = Document(io.BytesIO(client.get(url + "&format=docx").content))
    assert any("商店街がある。" in p.text for p in doc.paragraphs)
    assert client.get(url + "&format=pdf").content[:4] == b"%PDF"


def test_roles(city, client):
    client.force_login(city.coordinator)  # reads, cannot write
    assert client.get("/stats/model-report/").status_code == 200
    assert client.post("/stats/model-report/", {"1-2": "x"}).status_code == 403
    client.force_login(city.recorder)
    assert client.get("/stats/model-report/").status_code == 403
