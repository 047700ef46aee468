"""Open a case from a sheet record: the record page button, binding a 連絡員's つなぐシート to a
Person (coordinators), the prefilled form, the two-way link and the timeline entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kasane.audit.models import AccessLog
from kasane.cases import services
from kasane.cases.models import Case, CaseEvent
from kasane.people.tests.factories import actor, make_person
from kasane.sheets import policy as sheet_policy
from kasane.sheets import selectors as sheet_selectors
from kasane.sheets import services as sheet_services
from kasane.sheets.models import SheetRecord
from kasane.sheets.tests.factories import full_answers

pytestmark = pytest.mark.django_db


def _liaison_sheet(city: Any) -> SheetRecord:
    return sheet_services.record_create(
        actor=actor(city.liaison), code="liaison", submit=True, answers={
            "facility": city.orgs["library"].pk, "liaison": city.liaison.pk,
            "consent_given": True, "consent_method": "oral",
            "person": {"family_name": "小林", "given_name": "誠", "family_name_kana": "コバヤシ",
                       "given_name_kana": "マコト"},
            "concern": "閉館まで毎日過ごしていて、食事をとっていない様子。",
            "problems": {"marked": ["no_food", "income"], "main": "no_food"},
            "contact_preference": "facility", "urgency": "soon"})


def _intake(city: Any) -> SheetRecord:
    definition = sheet_selectors.definition_current(municipality_id=city.municipality.pk,
                                                    code="intake_application_no_consent")
    answers = full_answers(definition.schema, [city.orgs["shougai"].pk], [city.recorder.pk])
    answers.update(person={"family_name": "佐藤", "given_name": "和夫",
                           "family_name_kana": "サトウ", "given_name_kana": "カズオ"},
                   problems={"marked": ["income", "care"], "main": "care"},
                   request_detail="母の介護と家計の相談", triage="2",
                   restriction_requested=False)
    return sheet_services.record_create(actor=actor(city.recorder), submit=True,
                                        code="intake_application_no_consent", answers=answers)


def test_it_binds_a_liaison_sheet_then_opens_a_prefilled_case(city, client) -> None:
    record = _liaison_sheet(city)
    client.force_login(city.liaison)  # the 連絡員 sees their sheet, but no case button
    body = client.get(f"/sheets/records/{record.pk}/").content.decode()
    assert "小林" in body and "この帳票からケースを開く" not in body
    assert client.get(f"/cases/from-sheet/{record.pk}/").status_code == 403
    client.force_login(city.outsider)
    assert client.get(f"/cases/from-sheet/{record.pk}/").status_code == 404
    assert client.post(f"/cases/from-sheet/{record.pk}/bind/", {"do": "create"}).status_code == 404

    client.force_login(city.coordinator)
    assert "この帳票からケースを開く" in client.get(f"/sheets/records/{record.pk}/").content.decode()
    mine = make_person(city.coordinator, family_name="小林", given_name="誠",
                       family_name_kana="コバヤシ", given_name_kana="マコト")
    hidden = make_person(city.partner, family_name="小林", given_name="誠",
                         family_name_kana="コバヤシ", given_name_kana="マコト")
    r = client.get(f"/cases/from-sheet/{record.pk}/")
    body = r.content.decode()
    assert r.status_code == 200 and "本人の確認" in body
    assert "<dt>氏（フリガナ）</dt><dd>コバヤシ</dd>" in body  # the sheet's person block
    assert f'name="person_id" value="{mine.pk}"' in body  # a candidate the coordinator may see
    assert f'value="{hidden.pk}"' not in body
    assert AccessLog.objects.filter(user=city.coordinator, action="person.search").exists()
    assert client.post(f"/cases/from-sheet/{record.pk}/bind/", {}).status_code == 302
    assert SheetRecord.objects.get(pk=record.pk).person_id is None  # nothing chosen
    r = client.post(f"/cases/from-sheet/{record.pk}/bind/", {"do": "create"})
    assert r.status_code == 302
    record.refresh_from_db()
    assert record.person_id not in (None, mine.pk)
    r = client.get(f"/cases/from-sheet/{record.pk}/")
    body = r.content.decode()
    assert "気づいたこと: 閉館まで毎日" in body and "◎食べるものがない" in body

    r = client.post(f"/cases/from-sheet/{record.pk}/", {"summary": "", "triage": ""})
    assert r.status_code == 400 and not Case.objects.exists()
    r = client.post(f"/cases/from-sheet/{record.pk}/", {"summary": "食事をとれていない男性",
                                                        "triage": "4"})
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.pk}/"
    record.refresh_from_db()
    assert case.source_sheet_record_id == record.pk and record.case_id == case.pk
    assert record.route_status == "in_progress"  # what the 連絡員 sees: 対応中
    assert list(case.subjects.values_list("person_id", flat=True)) == [record.person_id]
    ev = CaseEvent.objects.get(case=case, kind="sheet")
    assert ev.text.startswith("帳票から開始") and ev.link == f"/sheets/records/{record.pk}/"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "帳票から開始" in page and f'href="/sheets/records/{record.pk}/"' in page
    sheet_page = client.get(f"/sheets/records/{record.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/"' in sheet_page and "この帳票からケースを開く" not in sheet_page
    # a second opening goes to the existing case; the service refuses it outright
    assert client.get(f"/cases/from-sheet/{record.pk}/")["Location"] == f"/cases/{case.pk}/"
    with pytest.raises(ValidationError, match="すでにケース"):
        services.case_open_from_record(actor=actor(city.coordinator), record=record,
                                              summary="x")
    assert Case.objects.count() == 1
    # the 連絡員 still sees only their own sheets (and no case link)
    client.force_login(city.liaison)
    body = client.get(f"/sheets/records/{record.pk}/").content.decode()
    assert f"/cases/{case.pk}/" not in body
    assert list(sheet_policy.visible_records(actor(city.liaison))) == [record]


def test_it_prefills_summary_and_triage_from_an_intake_application(city, client) -> None:
    record = _intake(city)
    assert record.person_id is not None
    initial = services.prefill(record)
    assert initial["triage"] == "2"
    assert initial["summary"].splitlines() == [
        "相談内容: ◎介護、○収入・生活費のこと", "相談したいこと・配慮の希望: 母の介護と家計の相談"]
    client.force_login(city.recorder)
    r = client.get(f"/cases/from-sheet/{record.pk}/")
    assert r.status_code == 200 and 'value="2" selected' in r.content.decode()
    r = client.post(f"/cases/from-sheet/{record.pk}/", {"summary": initial["summary"], "triage": "2"})
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.triage == "2" and case.lead_org_id == city.orgs["shougai"].pk
    client.force_login(city.partner)  # another org sees neither the record nor the case
    assert client.get(f"/cases/from-sheet/{record.pk}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_it_refuses_an_unbound_record_and_non_source_sheets(city) -> None:
    record = _liaison_sheet(city)
    with pytest.raises(ValidationError) as exc:
        services.case_open_from_record(actor=actor(city.coordinator), record=record,
                                              summary="相談")
    assert "本人に結び付いていません" in str(exc.value)
    nine = sheet_services.record_create(actor=actor(city.recorder), code="nine_grid", submit=True,
                                        answers={"center": "A", "cell_1": "B"})
    assert not services.is_source(nine)
    with pytest.raises(ValidationError):
        services.case_open_from_record(actor=actor(city.recorder), record=nine, summary="x")
    assert not Case.objects.exists() and SheetRecord.objects.get(pk=record.pk).case_id is None
