"""閲覧制限 on sheets: the person block's address, postal code, phones and 世帯 read
「閲覧制限」 on the record page, PDF, CSV export and API for everyone not named."""

from __future__ import annotations

import subprocess
from typing import Any

from kasane.audit.models import AccessLog
from kasane.people.models import Person
from kasane.people.services import person_create, person_restriction_set
from kasane.sheets import services

from .factories import actor
from .test_person_binding import _liaison

ADDRESS = "重ね市港町2-4-1"
PHONE = "090-0000-2222"


def _restricted_liaison(city: Any) -> Any:
    """A つなぐシート by recorder (consent → coordinator's org); the person restricted, naming
    only the coordinator — so the recorder (recording org, not named) sees it masked."""
    record = services.record_create(actor=actor(city.recorder), code="liaison", submit=True,
                                    answers=_liaison(city))
    person = Person.objects.get(pk=record.person_id)
    person_restriction_set(actor=actor(city.recorder), person=person, kind="dv",
                           user_ids=[city.coordinator.pk])
    return record


def _pdf_text(content: bytes, tmp_path: Any) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          check=True, text=True).stdout


def test_it_masks_a_restricted_person_on_page_pdf_export_and_api(city, client, tmp_path) -> None:
    record = _restricted_liaison(city)
    client.force_login(city.recorder)
    page = client.get(f"/sheets/records/{record.pk}/").content.decode()
    assert "閲覧制限" in page and ADDRESS not in page and PHONE not in page
    assert "田中" in page  # the name stays
    pdf = _pdf_text(client.get(f"/sheets/records/{record.pk}/pdf/").content, tmp_path)
    assert "閲覧制限" in pdf and ADDRESS not in pdf
    csv = b"".join(client.get("/sheets/export/liaison/?format=csv").streaming_content).decode("utf-8-sig")
    assert "閲覧制限" in csv and ADDRESS not in csv and PHONE not in csv
    body = client.get(f"/api/v1/sheet-records/{record.pk}").json()
    assert body["answers"]["person"]["address"] == "閲覧制限"
    assert body["answers"]["person"]["phone"] == "閲覧制限"
    listed = client.get("/api/v1/sheet-records?definition=liaison").json()["items"][0]
    assert listed["answers"]["person"]["address"] == "閲覧制限"


def test_it_shows_a_restricted_person_to_the_named_user(city, client, tmp_path) -> None:
    record = _restricted_liaison(city)
    client.force_login(city.coordinator)
    page = client.get(f"/sheets/records/{record.pk}/").content.decode()
    assert ADDRESS in page and PHONE in page and "restriction-notice" not in page
    pdf = _pdf_text(client.get(f"/sheets/records/{record.pk}/pdf/").content, tmp_path)
    assert ADDRESS in pdf
    csv = b"".join(client.get("/sheets/export/liaison/?format=csv").streaming_content).decode("utf-8-sig")
    assert ADDRESS in csv
    body = client.get(f"/api/v1/sheet-records/{record.pk}").json()
    assert body["answers"]["person"]["address"] == ADDRESS
    # the coordinator's read of another org's record is logged with the policy's basis
    assert AccessLog.objects.filter(user=city.coordinator, object_id=str(record.pk),
                                    action="sheet_record_api_view", basis="restriction_named").exists()
    client.force_login(city.outsider)
    assert client.get(f"/api/v1/sheet-records/{record.pk}").status_code == 404


def test_it_masks_a_requested_restriction_outside_the_recording_org(city, client) -> None:
    record = services.record_create(actor=actor(city.recorder), code="liaison", submit=True,
                                    answers=_liaison(city, restriction_requested=True))
    client.force_login(city.coordinator)
    page = client.get(f"/sheets/records/{record.pk}/").content.decode()
    assert "閲覧制限" in page and ADDRESS not in page
    assert client.get(f"/api/v1/sheet-records/{record.pk}").json()["answers"]["person"]["phone"] == "閲覧制限"
    client.force_login(city.recorder)
    assert ADDRESS in client.get(f"/sheets/records/{record.pk}/").content.decode()


def test_it_answers_404_for_an_invisible_person_id_and_logs_the_denial(city, client) -> None:
    hidden = person_create(actor=actor(city.partner), fields={"family_name": "鈴木",
                                                              "family_name_kana": "スズキ"})
    client.force_login(city.recorder)
    r = client.post("/api/v1/sheet-records", {"definition": "nine_grid", "person_id": hidden.pk,
                                              "answers": {"center": "A", "cell_1": "B"}},
                    content_type="application/json")
    missing = client.post("/api/v1/sheet-records", {"definition": "nine_grid", "person_id": 999999,
                                                    "answers": {"center": "A", "cell_1": "B"}},
                          content_type="application/json")
    assert r.status_code == missing.status_code == 404 and r.json() == missing.json()
    assert "detail" in r.json()
    assert AccessLog.objects.filter(user=city.recorder, person_id=hidden.pk, basis="denied").exists()
    client.force_login(city.partner)
    r = client.post("/api/v1/sheet-records", {"definition": "nine_grid", "person_id": hidden.pk,
                                              "answers": {"center": "A", "cell_1": "B"}},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["person_id"] == hidden.pk


def test_it_answers_400_with_the_consent_field_error_in_the_api(city, client) -> None:
    from .test_person_binding import _intake

    client.force_login(city.recorder)
    r = client.post("/api/v1/sheet-records", {"definition": "intake_application",
                                              "answers": _intake(city, consent_on="1950-01-01")},
                    content_type="application/json")
    assert r.status_code == 400
    message = r.json()["errors"]["consent_on"]
    assert message.startswith("同意日: ") and "生年月日より前" in message  # named, in the API too
    assert not Person.objects.exists()
