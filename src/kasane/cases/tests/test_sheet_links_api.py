"""``POST /api/v1/sheet-records`` with ``case_id`` and アウトリーチ contact rows: the answer and
a following GET show ``derived`` at once; a failed link is listed with its message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kasane.audit.models import Basis
from kasane.cases.models import CaseGrantPurpose, Contact
from kasane.cases.services.grants import case_grant_ensure
from kasane.cases.tests.factories import setup_case
from kasane.sheets import selectors as sheet_selectors
from kasane.sheets.tests.factories import full_answers

pytestmark = pytest.mark.django_db


def test_outreach_rows_posted_with_case_id_come_back_as_derived_contacts(city, client) -> None:
    s = setup_case(city)
    definition = sheet_selectors.definition_current(municipality_id=city.municipality.pk,
                                                    code="outreach")
    answers = full_answers(definition.schema, [city.orgs["city"].pk], [city.coordinator.pk])
    at = (timezone.localtime() - dt.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    answers["contacts"] = [
        {"at": at, "method": "visit", "reached": True, "met_whom": "self",
         "relationship_stage": "dialogue", "summary": "本人と話せた"},
        {"at": at, "method": "visit", "reached": False, "not_reached_reason": "absent",
         "relationship_stage": "contacted", "summary": "不在。メモを残した"}]
    client.force_login(city.coordinator)
    r = client.post("/api/v1/sheet-records", {"definition": "outreach", "answers": answers,
                                              "person_id": s.person.pk, "case_id": s.case.pk},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    ids = sorted(Contact.objects.filter(case=s.case).values_list("pk", flat=True))
    assert len(ids) == 2
    assert r.json()["derived"] == [{"kind": "contact", "id": ids[0]}, {"kind": "contact", "id": ids[1]}]
    got = client.get(f"/api/v1/sheet-records/{r.json()['id']}").json()
    assert got["derived"] == r.json()["derived"]
    assert [d["status"] for d in got["derivations"]] == ["done", "done"]
    listed = client.get("/api/v1/sheet-records?definition=outreach").json()["items"]
    assert listed[0]["derived"] == r.json()["derived"]


def test_a_failed_link_is_listed_with_its_message_not_as_derived(city, client) -> None:
    s = setup_case(city)
    definition = sheet_selectors.definition_current(municipality_id=city.municipality.pk,
                                                    code="outreach")
    answers = full_answers(definition.schema, [city.orgs["city"].pk], [city.coordinator.pk])
    # 障害相談 sees the person (consent) and reaches the case as a pledged 支援会議 attendee (a
    # view grant, as meetings writes it) but is not involved: the sheet saves, the contact fails
    case_grant_ensure(actor=s.coord, case=s.case, organization=city.orgs["shougai"],
                      user=city.recorder, purpose=CaseGrantPurpose.VIEW,
                      basis=Basis.SUPPORT_MEETING, source_type="meetings.attendee", source_id=1,
                      valid_until=timezone.now() + dt.timedelta(days=30))
    client.force_login(city.recorder)
    r = client.post("/api/v1/sheet-records", {"definition": "outreach", "answers": answers,
                                              "person_id": s.person.pk, "case_id": s.case.pk},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["derived"] == [] and not Contact.objects.exists()
    assert {d["status"] for d in body["derivations"]} == {"failed"}
    assert body["derivations"][0]["message"] == "このケースに関与している機関の職員だけが記録できます。"
