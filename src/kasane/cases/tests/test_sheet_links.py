"""Sheets act on their links (``cases.sheet_links`` through ``sheets.links``): each standard
sheet creates its core records once, a failure keeps the sheet and can be retried, pending
steps wait for the right person's confirmation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kasane.cases import services
from kasane.cases.models import Case, CaseEvent, Closure, Contact, Referral, Status, SupportPlan
from kasane.cases.tests.factories import setup_case
from kasane.people.tests.factories import actor, make_consent, make_person
from kasane.sheets import links
from kasane.sheets import selectors as sheet_selectors
from kasane.sheets import services as sheet_services
from kasane.sheets.models import SheetDerivation, SheetRecord
from kasane.sheets.tests.factories import full_answers

pytestmark = pytest.mark.django_db


def _answers(city: Any, code: str, **overrides: Any) -> dict[str, Any]:
    definition = sheet_selectors.definition_current(municipality_id=city.municipality.pk, code=code)
    answers = full_answers(definition.schema, [city.orgs["houkatsu"].pk, city.orgs["shakyo"].pk],
                           [city.coordinator.pk])
    answers.update(overrides)
    return answers


def _rows(record: SheetRecord) -> dict[str, SheetDerivation]:
    return {d.key: d for d in SheetDerivation.objects.filter(record=record)}


def _contact_row(hours: int, **kw: Any) -> dict[str, Any]:
    at = (timezone.localtime() - dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")
    row = {"at": at, "method": "visit", "reached": True, "met_whom": "self",
           "relationship_stage": "contacted", "summary": "玄関先で短く話せた"}
    row.update(kw)
    return row


def _outreach(city: Any, s: Any, rows: list[dict[str, Any]]) -> SheetRecord:
    return sheet_services.record_create(
        actor=s.coord, code="outreach", submit=True, person_id=s.person.pk, case_id=s.case.pk,
        answers=_answers(city, "outreach", contacts=rows))


def test_outreach_rows_become_contacts_once_and_an_edit_updates_them(city) -> None:
    s = setup_case(city)
    record = _outreach(city, s, [_contact_row(5), _contact_row(
        2, reached=False, met_whom=None, not_reached_reason="absent", relationship_stage="not_met",
        summary="不在。手紙を投函")])
    contacts = list(Contact.objects.filter(case=s.case).order_by("at"))
    assert [(c.reached, c.not_reached_reason, c.stage) for c in contacts] == [
        (True, "", "contacted"), (False, "不在", "not_met")]
    assert contacts[0].summary.startswith("（会えた相手: 本人）") and contacts[0].tags == record.tags
    rows = _rows(record)
    assert {k: (r.status, r.object_id) for k, r in rows.items()} == {
        "contact:0": ("done", contacts[0].pk), "contact:1": ("done", contacts[1].pk)}
    assert links.derived_summary(list(rows.values())) == "支援記録 2件"
    assert CaseEvent.objects.get(contact=contacts[1]).link == f"/sheets/records/{record.pk}/"

    answers = dict(record.answers)
    answers["contacts"] = [dict(answers["contacts"][0], summary="本人と玄関で10分話せた"),
                           answers["contacts"][1]]
    sheet_services.record_edit_submitted(actor=s.coord, record=record, answers=answers,
                                         reason="内容の補足", lock_version=record.lock_version)
    assert Contact.objects.filter(case=s.case).count() == 2
    assert Contact.objects.get(pk=contacts[0].pk).summary.endswith("本人と玄関で10分話せた")


def test_a_failed_derivation_keeps_the_sheet_shows_why_and_can_be_retried(city) -> None:
    s = setup_case(city)
    # the plan names the library as 主担当機関: it has no case staff, so the plan is refused
    record = sheet_services.record_create(
        actor=s.coord, code="support_plan", submit=True, person_id=s.person.pk, case_id=s.case.pk,
        answers=_answers(city, "support_plan", lead_org=city.orgs["library"].pk,
                         review_on=(timezone.localdate() + dt.timedelta(days=60)).isoformat()))
    row = _rows(record)["support_plan"]
    assert (row.status, row.message, row.field) == ("failed", "相談支援の職員がいる機関から選んでください。", "goals")
    assert SheetRecord.objects.get(pk=record.pk).status == "submitted"
    assert not SupportPlan.objects.filter(case=s.case).exists()  # nothing half-created
    with pytest.raises(ValidationError):
        links.confirm(actor=s.coord, record=record, derivation_id=row.pk)  # not pending

    answers = dict(record.answers, lead_org=city.orgs["city"].pk)
    record = sheet_services.record_edit_submitted(actor=s.coord, record=record, answers=answers,
                                                  reason="主担当機関の訂正",
                                                  lock_version=record.lock_version)
    row = _rows(record)["support_plan"]
    plan = SupportPlan.objects.get(case=s.case)
    assert (row.status, row.object_id, row.label) == ("done", plan.pk, "プラン第1版（案）")
    assert plan.status == "draft" and plan.goals[0]["text"] == record.answers["goals"][0]["goal"]
    # a second edit updates the same draft version
    answers = dict(record.answers, goals=[{"goal": "毎朝起きて散歩する"}])
    sheet_services.record_edit_submitted(actor=s.coord, record=record, answers=answers,
                                         reason="目標の変更", lock_version=record.lock_version)
    assert list(SupportPlan.objects.filter(case=s.case).values_list("version", flat=True)) == [1]
    assert SupportPlan.objects.get(pk=plan.pk).goals == [{"text": "毎朝起きて散歩する"}]


def test_retry_runs_a_failed_contact_once_the_case_exists(city) -> None:
    s = setup_case(city)
    other = make_person(city.coordinator)
    record = sheet_services.record_create(
        actor=s.coord, code="outreach", submit=True, person_id=other.pk,
        answers=_answers(city, "outreach", contacts=[_contact_row(3)]))
    row = _rows(record)["contact:0"]
    assert row.status == "failed" and "ケースに結び付いていません" in row.message
    case = services.case_open(actor=s.coord, person_ids=[other.pk], summary="見守り")
    again = links.retry(actor=s.coord, record=record, derivation_id=row.pk)
    assert again.status == "done" and Contact.objects.filter(case=case).count() == 1
    assert SheetRecord.objects.get(pk=record.pk).case_id == case.pk


def test_closure_is_a_proposal_the_lead_approves(city) -> None:
    s = setup_case(city)
    record = sheet_services.record_create(
        actor=s.coord, code="closure_evaluation", submit=True, person_id=s.person.pk,
        case_id=s.case.pk, answers=_answers(city, "closure_evaluation", follow_up="end",
                                            reason="goal_met"))
    row = _rows(record)["closure"]
    assert row.status == "pending" and row.action == "終結を承認"
    assert Case.objects.get(pk=s.case.pk).status != Status.CLOSED
    services.involvement_ensure(actor=s.coord, case=s.case, organization=city.orgs["houkatsu"],
                                role="member", basis="case_involvement")
    with pytest.raises(PermissionDenied):
        links.confirm(actor=s.partner, record=record, derivation_id=row.pk)
    assert _rows(record)["closure"].status == "pending"
    done = links.confirm(actor=s.coord, record=record, derivation_id=row.pk)
    closure = Closure.objects.get(case=s.case)
    assert (done.status, done.object_id, closure.reason) == ("done", closure.pk, "goal_met")
    assert Case.objects.get(pk=s.case.pk).status == Status.CLOSED


def test_a_closure_sheet_for_a_closed_case_fails_with_a_message(city) -> None:
    s = setup_case(city)
    services.case_close(actor=s.coord, case=s.case, reason="goal_met", evaluation="達成")
    record = sheet_services.record_create(
        actor=s.coord, code="closure_evaluation", submit=True, person_id=s.person.pk,
        case_id=s.case.pk, answers=_answers(city, "closure_evaluation", follow_up="end"))
    row = _rows(record)["closure"]
    assert row.status == "failed" and row.message == "このケースは既に終結しています。"


def _intake(city: Any, by: Any, **overrides: Any) -> SheetRecord:
    answers = _answers(city, "intake_application", disposition="own",
                       consent_orgs=[city.orgs["city"].pk, city.orgs["shougai"].pk],
                       consent_purposes=["information_sharing"],
                       consent_on=timezone.localdate().isoformat(), consent_method="written",
                       restriction_requested=False, request_detail="母の介護と家計の相談")
    answers.update(overrides)
    return sheet_services.record_create(actor=actor(by), code="intake_application", submit=True,
                                        answers=answers)


def test_an_application_opens_a_case_and_keeps_referral_drafts(city) -> None:
    record = _intake(city, city.recorder, disposition="refer",
                     referred_to=[city.orgs["city"].pk])
    case = Case.objects.get(source_sheet_record_id=record.pk)
    rows = _rows(record)
    assert (rows["case"].status, rows["case"].object_id) == ("done", case.pk)
    draft = rows[f"referral:{city.orgs['city'].pk}"]
    assert draft.status == "pending" and draft.action == "つなぎを依頼"
    assert not Referral.objects.exists()
    done = links.confirm(actor=actor(city.recorder), record=record, derivation_id=draft.pk)
    referral = Referral.objects.get(case=case)
    assert (done.status, done.object_id, referral.to_org_id) == ("done", referral.pk,
                                                                 city.orgs["city"].pk)
    # submitting's effects never run twice: a re-run finds the same rows
    links.derive(record=SheetRecord.objects.get(pk=record.pk), actor=actor(city.recorder),
                 operation="retry")
    assert Case.objects.filter(source_sheet_record_id=record.pk).count() == 1
    assert Referral.objects.count() == 1


@pytest.mark.parametrize("writer", ["coordinator", "recorder"])
def test_an_application_for_a_person_with_an_open_case_waits_for_the_coordinator(city, writer) -> None:
    first = _intake(city, city.recorder)
    case = Case.objects.get(source_sheet_record_id=first.pk)
    second = sheet_services.record_create(
        actor=actor(getattr(city, writer)), code="intake_application", submit=True,
        person_id=first.person_id, answers=dict(first.answers))
    row = _rows(second)["case"]
    assert row.status == "pending" and "推進員" in row.message
    if writer == "recorder":
        with pytest.raises(PermissionDenied):
            links.confirm(actor=actor(city.recorder), record=second, derivation_id=row.pk)
    done = links.confirm(actor=actor(city.coordinator), record=second, derivation_id=row.pk)
    assert (done.status, done.object_id) == ("done", case.pk)
    assert SheetRecord.objects.get(pk=second.pk).case_id == case.pk
    assert Case.objects.count() == 1


@pytest.mark.parametrize("writer", ["coordinator", "recorder"])
def test_a_comprehensive_sheet_waits_for_the_coordinator_who_opens_the_case(city, writer) -> None:
    person = make_person(city.recorder)
    make_consent(city.recorder, person, [city.orgs["city"], city.orgs["shougai"]])
    record = sheet_services.record_create(
        actor=actor(getattr(city, writer)), code="comprehensive_consultation", submit=True,
        person_id=person.pk, answers=_answers(city, "comprehensive_consultation",
                                              own_action="multi_agency"))
    row = _rows(record)["case"]
    assert row.status == "pending" and row.url == f"/cases/from-sheet/{record.pk}/"
    case = services.case_open_from_record(actor=actor(city.coordinator), record=record,
                                          summary="多機関協働へ")
    row = _rows(record)["case"]
    assert (row.status, row.object_id) == ("done", case.pk)


def test_an_assessment_sheet_becomes_the_cases_assessment(city) -> None:
    s = setup_case(city)
    record = sheet_services.record_create(
        actor=s.coord, code="intake_assessment", submit=True, person_id=s.person.pk,
        case_id=s.case.pk, answers=_answers(city, "intake_assessment", triage="4"))
    row = _rows(record)["assessment"]
    case = Case.objects.get(pk=s.case.pk)
    assert (row.status, row.kind, row.object_id) == ("done", "assessment", case.pk)
    assert (case.assessment_record_id, case.triage) == (record.pk, "4")


def test_a_participation_sheet_link_is_derived_now_that_the_app_exists(city) -> None:
    """Issue 17 registered the ``match`` handler (participation/sheet_links.py, tested there):
    the link no longer waits; the factory's place 「北部」 is no directory entry, so it fails
    with the place's name (retry once it exists)."""
    s = setup_case(city)
    record = sheet_services.record_create(
        actor=s.coord, code="participation", submit=True, person_id=s.person.pk,
        answers=_answers(city, "participation"))
    row = _rows(record)["match"]
    assert (row.status, row.kind) == ("failed", "participation")
    assert "社会資源「北部」が見つかりません" in row.message


def test_a_sheet_names_only_a_case_its_writer_reaches(city, client) -> None:
    """A case-linked sheet is read by the case's staff, so naming a case one is not involved in
    is refused like a nonexistent case (404), in the service and the API; nothing is saved."""
    from django.http import Http404

    s = setup_case(city)
    before = SheetRecord.objects.count()
    with pytest.raises(Http404):
        sheet_services.record_create(actor=s.recorder, code="outreach", submit=True,
                                     person_id=s.person.pk, case_id=s.case.pk,
                                     answers=_answers(city, "outreach", contacts=[_contact_row(2)]))
    client.force_login(city.recorder)
    response = client.post("/api/v1/sheet-records", {
        "definition": "outreach", "person_id": s.person.pk, "case_id": s.case.pk,
        "answers": _answers(city, "outreach", contacts=[_contact_row(2)])},
        content_type="application/json")
    assert response.status_code == 404
    assert SheetRecord.objects.count() == before
    assert _outreach(city, s, [_contact_row(2)]).case_id == s.case.pk  # the involved 推進員 may
