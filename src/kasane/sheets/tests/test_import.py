"""Import: encodings, per-row errors, all-or-nothing, skip, original file kept, views."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kasane.sheets import imports
from kasane.sheets import policy as sheet_policy
from kasane.sheets.models import ImportStatus, SheetImport, SheetRecord

from .factories import actor

HEADER = "中心の課題,本人の力,家族の力\n"
GOOD = "課題A,料理が得意,長女\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "ENQUEUE_ON_COMMIT": False}}


def upload(me, text: str | bytes, name: str = "in.csv", encoding: str = "utf-8", code: str = "nine_grid"):
    data = text if isinstance(text, bytes) else text.encode(encoding)
    return imports.import_create(actor=me, code=code, upload=SimpleUploadedFile(name, data))


@pytest.mark.parametrize("encoding,expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                               ("cp932", "cp932"), ("shift_jis", "cp932")])
def test_it_detects_the_encoding(city, encoding: str, expected: str) -> None:
    job = upload(actor(city.recorder), HEADER + GOOD, encoding=encoding)
    assert job.encoding == expected
    assert job.mapping == {"0": "center", "1": "cell_1", "2": "cell_2"}  # auto-mapped by label


def test_it_refuses_mixed_encodings_with_a_clear_message(city) -> None:
    data = (HEADER + GOOD).encode("utf-8") + "課題B,散歩,なし\n".encode("cp932")
    with pytest.raises(ValidationError) as exc:
        upload(actor(city.recorder), data)
    assert "文字コードが混在しています（1行目は UTF-8、3行目は Shift_JIS）" in exc.value.messages[0]


def test_it_refuses_a_file_of_another_kind(city) -> None:
    with pytest.raises(ValidationError):
        upload(actor(city.recorder), b"%PDF-1.4", name="x.pdf")


def test_it_lists_row_errors_and_commits_nothing_then_skips_on_request(city) -> None:
    me = actor(city.recorder)
    text = "中心の課題,本人の力,記入日 [_written_on]\n" + "課題A,x,令和6年4月1日\n" + \
        "課題B,y,令和6年2月30日\n" + ",,2024-04-01\n" + "課題D,z,2024-04-02\n"
    job = imports.run_check(upload(me, text))
    assert job.total_rows == 4 and job.valid_rows == 2
    rows = {e["row"]: e["errors"] for e in job.row_errors}
    assert rows[3]["_written_on"] == "記入日: 存在しない日付です（令和6年2月30日）。"
    assert rows[4]["center"] == "中心の課題: 入力してください。"
    with pytest.raises(ValidationError):
        imports.run_commit(job)
    assert SheetRecord.objects.count() == 0
    job.skip_invalid = True
    job.save()
    job = imports.run_commit(job)
    assert job.status == ImportStatus.DONE and job.created_count == 2
    assert sorted(SheetRecord.objects.values_list("answers__center", flat=True)) == ["課題A", "課題D"]
    assert job.file.name and job.file.storage.exists(job.file.name)  # original kept


def test_it_reads_a_hand_made_excel(city) -> None:
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["中心の課題", "本人の力", "記入日"])
    book.active.append(["課題", 12, dt.datetime(2024, 4, 1)])
    out = io.BytesIO()
    book.save(out)
    job = imports.run_check(upload(actor(city.recorder), out.getvalue(), name="hand.xlsx"))
    assert job.valid_rows == 1 and job.preview[0]["answers"] == {"center": "課題", "cell_1": "12"}


def test_it_runs_the_flow_through_the_screens(city, client) -> None:
    client.force_login(city.recorder)
    r = client.post("/sheets/import/", {"code": "nine_grid", "file": SimpleUploadedFile(
        "in.csv", (HEADER + GOOD + "課題B,,\n").encode("cp932"))})
    job = SheetImport.objects.get()
    assert r.status_code == 302 and "列の対応づけ" in client.get(r["Location"]).content.decode()
    r = client.post(f"/sheets/import/{job.pk}/", {"col-0": "center", "col-1": "cell_1", "col-2": ""})
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.valid_rows == 1
    text = client.get(f"/sheets/import/{job.pk}/status/").content.decode()
    assert "3行目 周りのマスを1つ以上記入してください。" in text
    client.post(f"/sheets/import/{job.pk}/commit/")
    assert SheetRecord.objects.count() == 0
    client.post(f"/sheets/import/{job.pk}/commit/", {"skip_invalid": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and SheetRecord.objects.count() == 1


def test_it_names_the_row_and_the_field_of_each_error_on_screen(city, client) -> None:
    me = actor(city.recorder)
    text = "中心の課題,本人の力,記入日 [_written_on]\n" + "課題A,x,令和6年4月1日\n" + ",y,R6.13.1\n"
    job = imports.run_check(upload(me, text))
    client.force_login(city.recorder)
    page = client.get(f"/sheets/import/{job.pk}/status/").content.decode()
    assert "3行目 中心の課題: 入力してください。" in page
    assert "3行目 記入日: 存在しない日付です（令和6年13月1日）。" in page
    assert "<code>" not in page  # no internal paths


def test_it_keeps_imports_private_to_their_owner(city, client) -> None:
    job = upload(actor(city.recorder), HEADER + GOOD)
    client.force_login(city.partner)
    assert client.get(f"/sheets/import/{job.pk}/").status_code == 404
    client.force_login(city.liaison)
    assert client.get("/sheets/import/").status_code == 403


def test_it_exports_csv_with_a_bom_or_cp932_and_refuses_others(city, client) -> None:
    from kasane.sheets import services

    services.record_create(actor=actor(city.recorder), code="nine_grid", submit=True,
                           answers={"center": "課題", "cell_1": "力"})
    client.force_login(city.recorder)
    r = client.get("/sheets/export/nine_grid/?format=csv")
    body = b"".join(r.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") and body.count(b"\xef\xbb\xbf") == 1
    r = client.get("/sheets/export/nine_grid/?format=csv&encoding=cp932")
    assert "課題" in b"".join(r.streaming_content).decode("cp932")
    client.force_login(city.admin)
    assert client.get("/sheets/export/nine_grid/?format=csv").status_code == 403


def test_it_writes_imported_rows_like_submitted_records(city) -> None:
    """The commit inserts rows without model instances: every column must still be right."""

    me = actor(city.coordinator)
    org = me.organization.name
    text = ("施設 [facility],連絡員 [liaison],本人同意 [consent_given],気づいたこと [concern],"
            "連絡方法の希望 [contact_preference],緊急性 [urgency],事業 [_tags],記入日 [_written_on]\n"
            f"{org},coordinator,いいえ,毎日来館している,電話,通常,community,令和6年4月1日\n"
            f"{org},coordinator,いいえ,食事をとっていない,訪問,早期,,\n")
    job = imports.run_check(upload(me, text, code="liaison"))
    assert job.row_errors == [], job.row_errors
    job = imports.run_commit(job)
    assert job.status == ImportStatus.DONE and job.created_count == 2
    first, second = SheetRecord.objects.filter(import_job=job).order_by("pk")
    for record in (first, second):
        assert record.status == "submitted" and record.source == "import"
        assert record.route_status == "sent" and record.lock_version == 1
        assert record.organization_id == me.organization_id and record.author_id == city.coordinator.pk
        assert record.submitted_at is not None and record.created_at == record.submitted_at
        assert record.person_snapshot == {} and record.sensitive_keys == []
    assert first.tags == ["community"] and first.written_on.isoformat() == "2024-04-01"
    assert second.tags == first.definition.schema["tags"] and second.answers["urgency"] == "soon"
    assert set(sheet_policy.visible_records(me).filter(import_job=job)) == {first, second}
