"""The record page lists what the sheet created (「この帳票から作成」) with links, and its
retry / confirm buttons act through ``sheets.links`` (visibility and roles checked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kasane.cases.models import Case, Closure, Contact, Status
from kasane.cases.tests.factories import setup_case
from kasane.sheets import selectors as sheet_selectors
from kasane.sheets import services as sheet_services
from kasane.sheets.models import SheetDerivation
from kasane.sheets.tests.factories import full_answers

pytestmark = pytest.mark.django_db


def _answers(city: Any, code: str, **overrides: Any) -> dict[str, Any]:
    definition = sheet_selectors.definition_current(municipality_id=city.municipality.pk, code=code)
    answers = full_answers(definition.schema, [city.orgs["houkatsu"].pk], [city.coordinator.pk])
    answers.update(overrides)
    return answers


def test_the_page_lists_created_records_and_retries_a_failed_one(city, client) -> None:
    s = setup_case(city)
    at = (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    rows = [{"at": at, "method": "visit", "reached": True, "met_whom": "self",
             "relationship_stage": "contacted", "summary": "話せた"},
            {"at": at, "method": "phone", "reached": False, "not_reached_reason": "no_answer",
             "relationship_stage": "not_met", "summary": "応答なし"}]
    record = sheet_services.record_create(
        actor=s.coord, code="outreach", submit=True, person_id=s.person.pk, case_id=s.case.pk,
        answers=_answers(city, "outreach", contacts=rows))
    client.force_login(city.coordinator)
    body = client.get(f"/sheets/records/{record.pk}/").content.decode()
    assert "この帳票から作成: 支援記録 2件" in body
    contact = Contact.objects.filter(case=s.case).first()
    assert f"/cases/{s.case.pk}/#contact-{contact.pk}" in body

    # a pending closure proposal: confirmed by the 推進員 (lead) from the record page
    s2 = setup_case(city)
    closure_answers = _answers(city, "closure_evaluation", follow_up="end", reason="goal_met")
    rec2 = sheet_services.record_create(
        actor=s2.coord, code="closure_evaluation", submit=True, person_id=s2.person.pk,
        case_id=s2.case.pk, answers=closure_answers)
    row = SheetDerivation.objects.get(record=rec2, key="closure")
    body = client.get(f"/sheets/records/{rec2.pk}/").content.decode()
    assert "終結を承認" in body and "終結日:" in body
    client.force_login(city.outsider)  # cannot see the record: 404, nothing happens
    assert client.post(f"/sheets/records/{rec2.pk}/derived/{row.pk}/confirm/").status_code == 404
    client.force_login(city.coordinator)
    response = client.post(f"/sheets/records/{rec2.pk}/derived/{row.pk}/confirm/")
    assert response.status_code == 302
    assert Closure.objects.filter(case=s2.case).count() == 1
    assert Case.objects.get(pk=s2.case.pk).status == Status.CLOSED
    assert "この帳票から作成: 終結" in client.get(f"/sheets/records/{rec2.pk}/").content.decode()

    rec3 = sheet_services.record_create(
        actor=s2.coord, code="closure_evaluation", submit=True, person_id=s2.person.pk,
        case_id=s2.case.pk, answers=closure_answers)
    failed = SheetDerivation.objects.get(record=rec3, key="closure")
    body = client.get(f"/sheets/records/{rec3.pk}/").content.decode()
    assert "このケースは既に終結しています。" in body and "再実行" in body
    client.force_login(city.partner)  # another organization, not a 推進員: refused
    assert client.post(f"/sheets/records/{rec3.pk}/derived/{failed.pk}/retry/").status_code in (403, 404)
    client.force_login(city.coordinator)
    client.post(f"/sheets/records/{rec3.pk}/derived/{failed.pk}/retry/")
    assert SheetDerivation.objects.get(pk=failed.pk).status == "failed"
    assert Closure.objects.filter(case=s2.case).count() == 1
