"""Resources journey: the CSW (社協) downloads the 居場所調査 sheet of a draft place, the place
fills it in (Excel), the CSW uploads it, sees the changes as a diff, accepts and publishes;
the place shows the new data, its 確認日 and 公開中, and the public CSV lists it. Then the
published directory goes out as HSDS and back in through the CLI, identical. One test per
device (the demo city loads once per test)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from .conftest import login, screenshot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _fill(sheet_bytes: bytes, answers: dict[str, object]) -> bytes:
    from kasane.resources.survey import FIRST_ITEM_ROW

    book = load_workbook(io.BytesIO(sheet_bytes))
    for row in book.worksheets[0].iter_rows(min_row=FIRST_ITEM_ROW):
        if row[0].value in answers:
            row[2].value = answers[row[0].value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _hsds_round_trip() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "a", Path(tmp) / "b"
        call_command("export_hsds", str(first), "--municipality", "139998")
        call_command("import_hsds", str(first), "--municipality", "139998")
        call_command("export_hsds", str(second), "--municipality", "139998")
        names = sorted(p.name for p in first.iterdir())
        assert {"organizations.csv", "services.csv", "locations.csv"} <= set(names)
        for name in names:
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_resources_journey(demo_city: Any, new_page: Any, device: str) -> None:
    from kasane.accounts.models import Municipality
    from kasane.resources.models import Place, PlaceStatus

    place = Place.objects.filter(status=PlaceStatus.DRAFT, area__isnull=False).order_by("pk").first()
    assert place is not None
    muni = Municipality.objects.get(pk=place.municipality_id)
    page = new_page()
    login(page, "csw")
    page.wait_for_selector("h1:has-text('わたしの仕事')")

    # the directory, filtered to the place's 圏域
    page.goto(f"/resources/?area={place.area.code}&status=draft")
    expect(page.locator("[data-testid=places]")).to_contain_text(place.name)
    screenshot(page, "resources-index", device)
    page.locator("[data-testid=places] a", has_text=place.name).first.click()
    expect(page.locator("[data-testid=place-status]")).to_have_text("下書き")

    # the survey sheet goes out, comes back filled in
    sheet = page.request.get(f"/resources/{place.pk}/survey.xlsx")
    assert sheet.ok and sheet.headers["content-type"] == XLSX
    new_capacity = (place.capacity or 0) + 5 if place.capacity is not None else 30
    filled = _fill(sheet.body(), {"capacity": new_capacity, "cost": "1回50円",
                                  "verified_on": "令和8年4月20日"})
    page.goto("/resources/changes/")
    page.set_input_files("input[name=file]", files=[
        {"name": "survey-returned.xlsx", "mimeType": XLSX, "buffer": filled}])
    page.click("[data-testid=upload]")
    card = page.locator("section.card", has_text=place.name)
    expect(card.locator("[data-testid=diff]")).to_contain_text("1回50円")
    expect(card.locator("[data-testid=diff]")).to_contain_text(str(new_capacity))
    screenshot(page, "resources-changes", device)
    card.locator("[data-testid=accept]").click()

    # applied and published
    expect(page.locator("[data-testid=place-status]")).to_have_text("公開中")
    expect(page.locator("[data-testid=place-capacity]")).to_contain_text(f"{new_capacity}人")
    expect(page.locator("[data-testid=place-verified]")).to_have_text("令和8年4月20日")
    screenshot(page, "resources-place", device)
    csv_text = page.request.get("/resources/public/directory.csv").body().decode("utf-8-sig")
    assert place.name in csv_text and "1回50円" in csv_text

    assert muni.code == "139998"
    _hsds_round_trip()
