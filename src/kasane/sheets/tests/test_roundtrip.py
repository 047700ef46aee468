"""Export then re-import gives identical answers, for every standard sheet and format."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kasane.sheets import attachments, exports, imports, selectors, services
from kasane.sheets import schema as sheet_schema
from kasane.sheets.models import ImportStatus, SheetRecord

from .factories import actor, attach, full_answers


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _export(me, code: str, fmt: str, encoding: str = "utf-8-sig") -> bytes:
    definition, qs = exports.export_records(actor=me, code=code)
    if fmt == "xlsx":
        return exports.xlsx_bytes(actor=me, definition=definition, qs=qs)
    return b"".join(exports.csv_stream(actor=me, definition=definition, qs=qs, encoding=encoding))


@pytest.mark.parametrize("code", sheet_schema.STANDARD_CODES)
@pytest.mark.parametrize("fmt,encoding", [("csv", "utf-8-sig"), ("csv", "cp932"), ("xlsx", "")])
def test_it_round_trips_every_standard_sheet(city, code: str, fmt: str, encoding: str) -> None:
    me = actor(city.coordinator if code != "liaison" else city.coordinator)
    definition = selectors.definition_current(municipality_id=city.municipality.pk, code=code)
    orgs = [city.orgs["city"].pk, city.orgs["shakyo"].pk]
    answers = attach(me, code, full_answers(definition.schema, orgs, [city.coordinator.pk]),
                     definition.schema)
    original = services.record_create(actor=me, code=code, answers=answers, submit=True,
                                      prefill=False, tags=["comprehensive", "community"])
    file_keys = set(attachments.file_fields(definition.schema))
    assert original.answers["problems"]["main"] if "problems" in original.answers else True
    data = _export(me, code, fmt, encoding)
    if fmt == "csv":
        assert b"'=1+2" in data  # formula neutralized
        for key in file_keys:  # attachments leave as their names only
            assert f"{key}.pdf;{key}.png".encode() in data
    name = f"export.{'xlsx' if fmt == 'xlsx' else 'csv'}"
    job = imports.import_create(actor=me, code=code, upload=SimpleUploadedFile(name, data))
    job = imports.run_check(job)
    assert job.row_errors == [] and job.valid_rows == 1, job.row_errors
    job = imports.run_commit(job)
    assert job.status == ImportStatus.DONE and job.created_count == 1
    copy = SheetRecord.objects.get(import_job=job)
    # identical for every answer but attachments (a spreadsheet cannot carry files)
    assert copy.answers == {k: v for k, v in original.answers.items() if k not in file_keys}
    assert all(original.answers[k] for k in file_keys)
    assert copy.tags == original.tags and copy.written_on == original.written_on


def test_it_neutralizes_formulas_in_excel(city) -> None:
    from openpyxl import load_workbook

    me = actor(city.recorder)
    services.record_create(actor=me, code="nine_grid", submit=True,
                           answers={"center": "=HYPERLINK(\"x\")", "cell_1": "+1", "cell_2": "@a"})
    book = load_workbook(io.BytesIO(_export(me, "nine_grid", "xlsx")))
    values = [c.value for c in book.active[2]]
    assert "'=HYPERLINK(\"x\")" in values and "'+1" in values and "'@a" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
