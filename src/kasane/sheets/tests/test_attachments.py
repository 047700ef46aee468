"""File answers: upload on the form and the API, content check, access-checked reads, thumbnails
on the page and the PDF, detaching, and removal of orphans."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from kasane.audit.models import AccessLog
from kasane.sheets import attachments, services
from kasane.sheets.models import RecordStatus, SheetAttachment, SheetRecord

from .factories import PDF_BYTES, actor, png_bytes, upload

GRID = {"center": "課題", "cell_1": "本人の力"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _stored(att: SheetAttachment) -> Path:
    return Path(att.file.path)


def _draft(city, code: str = "nine_grid") -> SheetRecord:
    return services.record_create_draft(actor=actor(city.recorder), code=code)


def test_it_uploads_on_the_form_submits_and_shows_a_thumbnail_on_page_and_pdf(city, client) -> None:
    record = _draft(city)
    client.force_login(city.recorder)
    r = client.post(f"/sheets/records/{record.pk}/edit/", {
        **GRID, "_action": "submit", "map.__upload": upload("地図.png")})
    assert r.status_code == 302, r.content.decode()[:2000]
    record.refresh_from_db()
    att = SheetAttachment.objects.get()
    assert record.status == RecordStatus.SUBMITTED
    assert record.answers["map"] == [{"id": att.pk, "name": "地図.png"}]
    assert att.record_id == record.pk and att.confirmed and att.content_type == "image/png"
    assert "地図" not in att.file.name and _stored(att).read_bytes() == png_bytes()
    page = client.get(f"/sheets/records/{record.pk}/").content.decode()
    assert 'src="data:image/jpeg;base64,' in page and f"/sheets/attachments/{att.pk}/" in page
    pdf = client.get(f"/sheets/records/{record.pk}/pdf/").content
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" in pdf


def test_it_refuses_a_file_that_is_not_pdf_jpeg_or_png_by_its_content(city, client) -> None:
    record = _draft(city)
    client.force_login(city.recorder)
    r = client.post(f"/sheets/records/{record.pk}/edit/", {
        **GRID, "_action": "submit", "map.__upload": upload("写真.png", b"<html>not an image</html>")})
    text = r.content.decode()
    assert r.status_code == 400
    assert "写真.png: 添付できるのは PDF・JPEG・PNG のファイルだけです" in text
    assert "本人の力" in text  # what was typed is still on the form
    assert not SheetAttachment.objects.exists()
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT


def test_it_refuses_a_file_over_10_mb(city) -> None:
    big = PDF_BYTES + b"0" * (attachments.MAX_SIZE)
    with pytest.raises(ValidationError) as exc:
        attachments.attachment_upload(actor=actor(city.recorder), record=_draft(city),
                                      field_key="map", upload=upload("大きい.pdf", big))
    assert exc.value.message_dict == {"file": ["ファイルが大きすぎます（1ファイル10MBまで）。"]}
    with pytest.raises(ValidationError):
        attachments.attachment_upload(actor=actor(city.recorder), record=_draft(city),
                                      field_key="center", upload=upload())


def test_it_keeps_one_row_when_the_same_file_is_sent_twice(city) -> None:
    me, record = actor(city.recorder), _draft(city)
    first = attachments.attachment_upload(actor=me, record=record, field_key="map", upload=upload())
    again = attachments.attachment_upload(actor=me, record=record, field_key="map", upload=upload())
    assert first.pk == again.pk and SheetAttachment.objects.count() == 1


def test_it_serves_an_attachment_only_with_the_records_access_and_logs_each_read(city, client) -> None:
    me = actor(city.recorder)
    att = attachments.attachment_upload(actor=me, code="nine_grid", field_key="map",
                                        upload=upload("地図.pdf"))
    record = services.record_create(actor=me, code="nine_grid", submit=True,
                                    answers={**GRID, "map": [att.as_answer()]})
    url = f"/sheets/attachments/{att.pk}/"
    for outsider in (city.outsider, city.partner, city.admin):
        client.force_login(outsider)
        assert client.get(url).status_code in {403, 404}
    assert AccessLog.objects.filter(object_type="sheet_attachment", object_id=str(att.pk),
                                    basis="denied", user=city.outsider).exists()
    client.force_login(city.recorder)
    r = client.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF_BYTES
    assert r["Content-Type"] == "application/pdf" and r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Disposition"].startswith("inline;")
    log = AccessLog.objects.filter(object_type="sheet_attachment", object_id=str(att.pk),
                                   user=city.recorder, action="sheet_attachment_view").get()
    assert log.basis == "own_record" and log.detail == f"記録 {record.pk}"


def test_it_lets_the_api_upload_then_name_the_file_in_a_record(city, client) -> None:
    client.force_login(city.recorder)
    r = client.post("/api/v1/sheet-attachments", {"definition": "nine_grid", "field": "map",
                                                  "file": upload("地図.png")})
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"id", "name"} and body["name"] == "地図.png"
    r = client.post("/api/v1/sheet-records", {"definition": "nine_grid",
                                              "answers": {**GRID, "map": [{"id": body["id"], "name": "x"}]}},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["answers"]["map"] == [body]
    assert SheetAttachment.objects.get(pk=body["id"]).record_id == r.json()["id"]


def test_it_refuses_an_attachment_id_that_is_not_the_callers(city, client) -> None:
    theirs = attachments.attachment_upload(actor=actor(city.partner), code="nine_grid",
                                           field_key="map", upload=upload())
    client.force_login(city.recorder)
    r = client.post("/api/v1/sheet-records", {"definition": "nine_grid",
                                              "answers": {**GRID, "map": [theirs.as_answer()]}},
                    content_type="application/json")
    assert r.status_code == 400
    assert r.json()["errors"]["map"].startswith(
        f"地図（生活圏域）: 添付ファイル（番号 {theirs.pk}）が見つかりません。")
    r = client.post("/api/v1/sheet-attachments", {"definition": "nine_grid", "field": "map",
                                                  "file": upload("a.gif", b"GIF89a....")})
    assert r.status_code == 400 and "PDF・JPEG・PNG" in r.json()["errors"]["file"]
    assert not SheetRecord.objects.exists()


def test_it_detaches_a_file_from_a_draft(city, client) -> None:
    me, record = actor(city.recorder), _draft(city)
    att = attachments.attachment_upload(actor=me, record=record, field_key="map", upload=upload())
    services.record_autosave(actor=me, record=record, answers={"map": [att.as_answer()]},
                             lock_version=None)
    client.force_login(city.recorder)
    r = client.post(f"/sheets/records/{record.pk}/edit/", {
        "map.__json": f'[{{"id": {att.pk}, "name": "同意書.pdf"}}]', "_action": f"detach:map.{att.pk}"})
    assert r.status_code == 200
    record.refresh_from_db()
    assert "map" not in record.answers


def test_it_removes_a_discarded_drafts_files(city, django_capture_on_commit_callbacks) -> None:
    me, record = actor(city.recorder), _draft(city)
    att = attachments.attachment_upload(actor=me, record=record, field_key="map", upload=upload())
    path = _stored(att)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_discard_draft(actor=me, record=record)
    assert not SheetAttachment.objects.exists() and not path.exists()


def test_it_cleans_up_orphans_but_keeps_what_records_use(city, django_capture_on_commit_callbacks) -> None:
    me = actor(city.recorder)
    orphan = attachments.attachment_upload(actor=me, code="nine_grid", field_key="map",
                                           upload=upload("捨てる.pdf"))
    used = attachments.attachment_upload(actor=me, code="nine_grid", field_key="map",
                                         upload=upload("使う.png"))
    draft = _draft(city)
    in_draft = attachments.attachment_upload(actor=me, record=draft, field_key="map",
                                             upload=upload("下書き.png", png_bytes(color="blue")))
    services.record_autosave(actor=me, record=draft, answers={"map": [in_draft.as_answer()]},
                             lock_version=None)
    services.record_create(actor=me, code="nine_grid", submit=True,
                           answers={**GRID, "map": [used.as_answer()]})
    SheetAttachment.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    orphan_path = _stored(orphan)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("cleanup_sheet_attachments", stdout=out)
    assert out.getvalue() == "削除した添付ファイル: 1件\n"
    assert set(SheetAttachment.objects.values_list("pk", flat=True)) == {used.pk, in_draft.pk}
    assert not orphan_path.exists() and _stored(used).exists()
    fresh = attachments.attachment_upload(actor=me, code="nine_grid", field_key="map",
                                          upload=upload("新しい.pdf", PDF_BYTES + b"%x"))
    assert attachments.attachments_cleanup() == 0 and SheetAttachment.objects.filter(pk=fresh.pk).exists()


def test_it_serves_an_attachment_over_the_api_with_the_same_decision(city, client) -> None:
    me = actor(city.recorder)
    att = attachments.attachment_upload(actor=me, code="nine_grid", field_key="map",
                                        upload=upload("地図.png"))
    services.record_create(actor=me, code="nine_grid", submit=True,
                           answers={**GRID, "map": [att.as_answer()]})
    client.force_login(city.recorder)
    r = client.get(f"/api/v1/sheet-attachments/{att.pk}")
    assert r.status_code == 200 and b"".join(r.streaming_content) == png_bytes()
    assert r["Content-Disposition"].startswith("attachment;") and "sandbox" in r["Content-Security-Policy"]
    client.force_login(city.outsider)
    assert client.get(f"/api/v1/sheet-attachments/{att.pk}").status_code == 404


def test_it_offers_file_and_camera_inputs_that_the_autosave_leaves_out(city, client) -> None:
    record = _draft(city, "intake_application")
    client.force_login(city.recorder)
    text = client.get(f"/sheets/records/{record.pk}/edit/").content.decode()
    assert 'enctype="multipart/form-data"' in text and 'hx-params="not signature.__upload"' in text
    assert 'name="signature.__upload" id="f-signature-input" accept="image/*,application/pdf" multiple' in text
    assert 'accept="image/*" capture="environment"' in text


def test_it_withholds_attachments_of_a_restricted_person(city, client) -> None:
    """A scanned 同意書 may show the address: under 閲覧制限 the files are withheld too."""
    from kasane.people.models import Person
    from kasane.people.services import person_restriction_set

    me = actor(city.recorder)
    att = attachments.attachment_upload(actor=me, code="nine_grid", field_key="map",
                                        upload=upload("地図.png"))
    record = services.record_create(actor=me, code="nine_grid", submit=True, answers={
        **GRID, "map": [att.as_answer()], "person": {
            "family_name": "田中", "given_name": "一", "family_name_kana": "タナカ",
            "given_name_kana": "ハジメ"}})
    client.force_login(city.recorder)
    response = client.get(f"/sheets/attachments/{att.pk}/")
    # read to the end: the test client then closes the file (and keeps the DB connection)
    assert response.status_code == 200 and b"".join(response.streaming_content)
    person_restriction_set(actor=me, person=Person.objects.get(pk=record.person_id), kind="dv",
                           user_ids=[city.coordinator.pk])
    page = client.get(f"/sheets/records/{record.pk}/").content.decode()
    assert "data:image/jpeg" not in page and f"/sheets/attachments/{att.pk}/" not in page
    assert client.get(f"/sheets/attachments/{att.pk}/").status_code == 403
    assert AccessLog.objects.filter(object_type="sheet_attachment", object_id=str(att.pk),
                                    basis="denied", detail="閲覧制限").exists()
    assert client.get(f"/api/v1/sheet-records/{record.pk}").json()["answers"]["map"] == "閲覧制限"
