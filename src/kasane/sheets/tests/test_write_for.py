"""No retyping (issue 15 item 4): a sheet about a known person starts with the person block
from the record — API ``person_id``, and 「帳票を書く」 on the person's page and the case
page; ISO 8601 date-times with offsets are accepted besides 「2026-11-20 10:00」."""

from __future__ import annotations

import datetime as dt

from kasane.audit.models import AccessLog, Basis
from kasane.people.services import person_restriction_set
from kasane.people.tests.factories import make_consent, make_person
from kasane.sheets import services
from kasane.sheets.models import SheetRecord
from kasane.sheets.validation import validate

from .factories import actor

CONSULT = {"consulted_on": "2024-04-01", "program": "disability", "method": "visit",
           "requester": "self", "problems": "income◎", "summary": "家賃の滞納",
           "own_action": "continuing", "consent_state": "written"}


def test_the_api_fills_the_person_block_from_the_record(city, client) -> None:
    person = make_person(city.recorder, given_name="和夫", birth_date=dt.date(1950, 1, 2))
    client.force_login(city.recorder)
    r = client.post("/api/v1/sheet-records", {"definition": "comprehensive_consultation",
                                              "answers": CONSULT, "person_id": person.pk},
                    content_type="application/json")
    assert r.status_code == 201, r.json()
    block = r.json()["answers"]["person"]
    assert (block["family_name"], block["given_name"], block["birth_date"]) == (
        "山田", "和夫", "1950-01-02")
    assert SheetRecord.objects.get(pk=r.json()["id"]).person_differences == []


def test_typed_values_win_and_are_kept_as_differences(city) -> None:
    person = make_person(city.recorder, given_name="和夫")
    record = services.record_create(actor=actor(city.recorder), code="comprehensive_consultation",
                                    answers={**CONSULT, "person": {"phone": "090-0000-1111"}},
                                    submit=True, person_id=person.pk)
    assert record.answers["person"]["phone"] == "090-0000-1111"
    assert record.answers["person"]["family_name"] == "山田"
    assert record.person_differences  # the Person is never changed by a sheet


def test_masked_fields_are_not_copied_for_someone_not_named(city) -> None:
    person = make_person(city.recorder, given_name="和夫")
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    person_restriction_set(actor=actor(city.recorder), person=person, kind="dv",
                           user_ids=[city.recorder.pk])
    record = services.record_create(actor=actor(city.partner), code="comprehensive_consultation",
                                    answers=CONSULT, submit=True, person_id=person.pk)
    block = record.answers["person"]
    assert block["family_name"] == "山田" and "address" not in block and "phone" not in block


def test_write_for_from_the_person_page_makes_a_filled_draft(city, client) -> None:
    person = make_person(city.recorder, given_name="和夫")
    client.force_login(city.recorder)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert 'data-testid="sheet-write-for"' in page and "帳票を書く" in page
    r = client.post("/sheets/new/for/", {"code": "comprehensive_consultation",
                                         "person_id": person.pk})
    record = SheetRecord.objects.get(person_id=person.pk)
    assert r.status_code == 302 and r["Location"] == f"/sheets/records/{record.pk}/edit/"
    assert record.status == "draft" and record.answers["person"]["given_name"] == "和夫"
    form = client.get(r["Location"]).content.decode()
    assert 'value="和夫"' in form


def test_write_for_an_invisible_person_is_a_logged_404(city, client) -> None:
    person = make_person(city.recorder)
    client.force_login(city.partner)
    r = client.post("/sheets/new/for/", {"code": "nine_grid", "person_id": person.pk})
    assert r.status_code == 404 and not SheetRecord.objects.exists()
    assert AccessLog.objects.filter(user=city.partner, person_id=person.pk,
                                    basis=Basis.DENIED).exists()


def test_write_for_refuses_a_case_the_actor_does_not_reach(city, client) -> None:
    person = make_person(city.recorder)
    client.force_login(city.recorder)
    r = client.post("/sheets/new/for/", {"code": "nine_grid", "person_id": person.pk,
                                         "case_id": 999999})
    assert r.status_code == 404 and not SheetRecord.objects.exists()


def test_iso_8601_date_times_with_offsets_are_accepted(city) -> None:
    schema = {"sections": [{"key": "s", "fields": [{"key": "at", "label": "日時",
                                                    "type": "datetime"}]}]}
    today = dt.date(2026, 12, 1)
    for given, stored in [("2026-11-20T10:00:00+09:00", "2026-11-20T10:00"),
                          ("2026-11-20T01:00:00Z", "2026-11-20T10:00"),
                          ("2026-11-20T10:00+0900", "2026-11-20T10:00"),
                          ("2026-11-20T10:00", "2026-11-20T10:00"),
                          ("2026-11-20 10:00", "2026-11-20T10:00"),
                          ("令和8年11月20日 10:00", "2026-11-20T10:00")]:
        result = validate(schema, {"at": given}, submit=True, today=today)
        assert result.errors == {} and result.answers == {"at": stored}, given
    bad = validate(schema, {"at": "2026-11-20T25:00:00+09:00"}, submit=True, today=today)
    assert "at" in bad.errors
