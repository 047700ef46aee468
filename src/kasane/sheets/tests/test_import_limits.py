"""Import of hostile CSV files (issue 22 finding 6): a cell over the csv module's 128 KB limit
is a Japanese message naming the row — at upload (header) and in the check — never a 500."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kasane.sheets import imports
from kasane.sheets.models import ImportStatus, SheetRecord

from .factories import actor
from .test_import import GOOD, HEADER, _media, upload  # noqa: F401  (fixture)

HUGE = "あ" * (140 * 1024)


@pytest.mark.django_db
def test_a_huge_cell_in_a_row_fails_the_check_with_the_row_number(city) -> None:
    job = imports.run_check(upload(actor(city.recorder), HEADER + GOOD + f"{HUGE},x,y\n"))
    assert job.status == ImportStatus.FAILED
    assert "3行目" in job.message and "長すぎます" in job.message and "field" not in job.message
    assert SheetRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_huge_cell_in_the_header_is_a_field_error_at_upload(city) -> None:
    with pytest.raises(ValidationError) as exc:
        upload(actor(city.recorder), f"{HUGE},b\n{GOOD}")
    assert "1行目" in exc.value.message_dict["file"][0]


@pytest.mark.django_db
def test_the_upload_screen_answers_a_huge_header_with_a_message(city, client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(city.recorder)
    client.raise_request_exception = False
    response = client.post(reverse("sheets:import"), {
        "code": "nine_grid", "file": SimpleUploadedFile("in.csv", f"{HUGE},b\n".encode())})
    assert response.status_code in (200, 400) and "長すぎます" in response.content.decode()
