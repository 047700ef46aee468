"""Directory screens: who sees and edits what, field errors, public files, the person page."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

import pytest
from django.test import Client

from kasane.areas.tests.factories import make_areas
from kasane.resources.models import Place, PlaceStatus
from kasane.resources.tests.factories import place

pytestmark = pytest.mark.django_db


def test_editor_sees_drafts_and_filters(city: SimpleNamespace, client: Client) -> None:
    make_areas(city.municipality)
    place(city, "北の居場所")
    place(city, "南の下書き", publish=False, address="重ね市本町2-1")
    place(city, "満員の場", capacity=4, current_participants=4)
    client.force_login(city.secretariat)
    page = client.get("/resources/").content.decode()
    assert "北の居場所" in page and "南の下書き" in page
    page = client.get("/resources/", {"area": "02"}).content.decode()
    assert "南の下書き" in page and "北の居場所" not in page
    page = client.get("/resources/", {"vacancies": "on"}).content.decode()
    assert "満員の場" not in page and "北の居場所" in page
    client.force_login(city.recorder)  # a caseworker reads published places only
    page = client.get("/resources/").content.decode()
    assert "北の居場所" in page and "南の下書き" not in page
    draft = Place.objects.get(name="南の下書き")
    assert client.get(f"/resources/{draft.pk}/").status_code == 404
    assert client.get(f"/resources/{draft.pk}/edit/").status_code == 403


def test_edit_with_capacity_below_participants(city: SimpleNamespace, client: Client) -> None:
    made = place(city)
    client.force_login(city.secretariat)
    form = {"provider": str(made.provider_id), "name": made.name, "kind": "ibasho",
            "capacity": "2", "current_participants": "4", "offers_participation": "on"}
    response = client.post(f"/resources/{made.pk}/edit/", form)
    assert response.status_code == 400
    assert "定員（2人）が現在の参加者数（4人）より少なく" in response.content.decode()
    response = client.post(f"/resources/{made.pk}/edit/", {**form, "schedule_rows": "毎日"})
    assert "1行目: 「月 10:00-12:00」のように曜日と時間を書いてください。" in response.content.decode()
    response = client.post(f"/resources/{made.pk}/edit/", {
        **form, "capacity": "8", "schedule_rows": "月 10:00-12:00 午前のみ\n木 13:00〜15:00"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.capacity == 8
    assert [(s.weekday, s.note) for s in made.schedules.order_by("id")] == [("MO", "午前のみ"), ("TH", "")]
    assert "月 10:00-12:00 午前のみ" in client.get(f"/resources/{made.pk}/edit/").content.decode()


def test_new_place_with_a_new_provider_then_publish(city: SimpleNamespace, client: Client) -> None:
    client.force_login(city.outsider)  # a 社協 caseworker
    response = client.post("/resources/new/", {
        "provider": "new", "new_provider": "駅前の会", "name": "駅前サロン", "kind": "salon",
        "address": "重ね市東町1-1", "current_participants": "0"})
    made = Place.objects.get(name="駅前サロン")
    assert response.status_code == 302 and made.status == PlaceStatus.DRAFT
    assert "未設定" in client.get(f"/resources/{made.pk}/").content.decode()
    client.post(f"/resources/{made.pk}/publish/")
    client.post(f"/resources/{made.pk}/verify/", {"verified_on": "R8.4.1"})
    made.refresh_from_db()
    assert made.status == PlaceStatus.PUBLISHED and str(made.last_verified_on) == "2026-04-01"


def test_public_files_hold_published_places_only(city: SimpleNamespace, client: Client) -> None:
    make_areas(city.municipality)
    shown = place(city, "公開の場")
    place(city, "下書きの場", publish=False)
    client.force_login(city.recorder)
    csv_text = client.get("/resources/public/directory.csv").content.decode("utf-8-sig")
    assert "公開の場" in csv_text and "下書きの場" not in csv_text
    archive = zipfile.ZipFile(io.BytesIO(client.get("/resources/public/directory.html").content))
    assert {"index.html", "style.css", f"place-{shown.pk}.html"} == set(archive.namelist())
    assert "北部圏域" in archive.read("index.html").decode()
    pdf = client.get("/resources/public/directory.pdf", {"area": "01"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get("/resources/public/directory.exe").status_code == 404


def test_survey_sheet_and_changes_page(city: SimpleNamespace, client: Client) -> None:
    made = place(city)
    client.force_login(city.secretariat)
    sheet = client.get(f"/resources/{made.pk}/survey.xlsx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    response = client.post("/resources/changes/", {"file": io.BytesIO(b"")})
    assert response.status_code == 400
    client.force_login(city.recorder)
    assert client.get("/resources/changes/").status_code == 403


def test_the_survey_of_a_directory_without_places_is_a_message_not_an_error(
        city: SimpleNamespace, client: Client) -> None:
    client.force_login(city.secretariat)
    response = client.get("/resources/survey/all.xlsx", follow=True)
    assert response.redirect_chain == [("/resources/", 302)]
    assert "調査票にする社会資源がまだありません" in response.content.decode()
    place(city)
    sheets = client.get("/resources/survey/all.xlsx")
    assert sheets.status_code == 200 and sheets.content[:2] == b"PK"


def test_places_by_kind_and_area(city: SimpleNamespace, client: Client) -> None:
    from kasane.core.metrics import METRICS

    make_areas(city.municipality)
    place(city, "北の居場所")
    place(city, "南のサロン", kind="salon", address="重ね市本町2-1")
    place(city, "東のサロン", kind="salon", address="重ね市東町1-1")
    place(city, "下書き", kind="salon", publish=False)
    metric = METRICS.one("resources.places.published")
    assert metric.compute(city.municipality, 2026) == 3
    assert metric.compute(city.municipality, 2026, kind="salon") == 2
    assert metric.compute(city.municipality, 2026, area="unassigned") == 1
    assert metric.compute(city.municipality, 2026, kind="salon", area="02") == 1
    client.force_login(city.secretariat)
    page = client.get("/resources/public/").content.decode()
    figures = page[page.index('data-testid="figures"'):]
    assert "<td data-label=\"種類\">サロン</td><td>0</td><td>1</td><td>1</td><td>2</td>" in figures
