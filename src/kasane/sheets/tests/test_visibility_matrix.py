"""Sheet kind × role × basis → visible or not, and every read logged with its basis.

The bases of this layer: own organization, consent whose purposes cover the sheet (in / out),
emergency, 閲覧制限 (visible but masked), anonymous sheets. Case involvement and pledged
meeting attendees reach case-linked sheets through ``sheets.reach``, filled by cases: their
matrix lives above both apps, in ``meetings/tests/test_sheet_reach_matrix.py`` (sheets' tests
may not import cases or meetings).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from kasane.access import services as access_services
from kasane.audit.models import AccessLog, Basis
from kasane.people.services import person_restriction_set
from kasane.people.tests.factories import make_consent, make_person
from kasane.sheets import masking, selectors, services
from kasane.sheets import policy as sheet_policy

from .factories import actor, full_answers

CONSULTATION = "comprehensive_consultation"
PARTICIPATION = "participation"
ROLES = ("recorder", "partner", "outsider", "coordinator", "liaison", "admin", "auditor",
         "secretariat")


def write(city: Any, code: str, person: Any, by: str = "recorder") -> Any:
    me = actor(getattr(city, by))
    d = selectors.definition_current(municipality_id=city.municipality.pk, code=code)
    orgs = [city.orgs["shougai"].pk, city.orgs["houkatsu"].pk]
    answers = full_answers(d.schema, orgs, [me.user_id])
    return services.record_create(actor=me, code=code, answers=answers, submit=True,
                                  person_id=person.pk, prefill=False)


def visible(city: Any, role: str, record: Any) -> bool:
    return sheet_policy.visible_records(actor(getattr(city, role))).filter(pk=record.pk).exists()


def seen_by(city: Any, record: Any) -> set[str]:
    return {role for role in ROLES if visible(city, role, record)}


@pytest.fixture
def person(city: Any) -> Any:
    return make_person(city.recorder)


# basis set up for 地域包括 (partner) → (consultation sheet visible, participation sheet visible)
CONSENT_CASES = {
    "none": ((), False, False),
    "information_sharing": (("information_sharing",), True, False),
    "participation": (("participation",), False, True),
    "multilayer_meeting only": (("multilayer_meeting",), False, False),
    "both": (("information_sharing", "participation"), True, True),
}


@pytest.mark.parametrize("case", list(CONSENT_CASES))
def test_consent_shares_a_sheet_only_for_the_purposes_it_covers(city, person, case) -> None:
    purposes, consultation_seen, participation_seen = CONSENT_CASES[case]
    consultation = write(city, CONSULTATION, person)
    participation = write(city, PARTICIPATION, person)
    if purposes:
        make_consent(city.recorder, person, [city.orgs["houkatsu"]], list(purposes))
    expected = {"recorder"}
    assert seen_by(city, consultation) == expected | ({"partner"} if consultation_seen else set())
    assert seen_by(city, participation) == expected | ({"partner"} if participation_seen else set())


def test_a_consent_naming_the_city_shares_the_sheet_with_the_coordinator(city, person) -> None:
    record = write(city, CONSULTATION, person)
    assert "coordinator" not in seen_by(city, record)
    make_consent(city.recorder, person, [city.orgs["city"]])
    assert seen_by(city, record) == {"recorder", "coordinator"}
    sheet_policy.require_record(actor=actor(city.coordinator), pk=record.pk)
    assert AccessLog.objects.filter(user=city.coordinator, action="sheet_record_view",
                                    object_id=str(record.pk), basis=Basis.CONSENT,
                                    person_id=person.pk).exists()


def test_a_withdrawn_consent_hides_the_sheet_again(city, person) -> None:
    from kasane.people.services import consent_withdraw

    record = write(city, CONSULTATION, person)
    consent = make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    assert visible(city, "partner", record)
    consent_withdraw(actor=actor(city.recorder), consent=consent, reason="本人の申し出")
    assert not visible(city, "partner", record)
    with pytest.raises(Http404):
        sheet_policy.require_record(actor=actor(city.partner), pk=record.pk)
    assert AccessLog.objects.filter(user=city.partner, object_id=str(record.pk),
                                    basis=Basis.DENIED).exists()


def test_drafts_are_never_shared(city, person) -> None:
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    draft = services.record_create(actor=actor(city.recorder), code=CONSULTATION,
                                   person_id=person.pk, answers={"summary": "途中"})
    assert seen_by(city, draft) == {"recorder"}


def test_emergency_access_reads_every_sheet_of_the_person_logged_emergency(city, person) -> None:
    consultation = write(city, CONSULTATION, person)
    participation = write(city, PARTICIPATION, person)
    access_services.emergency_access_request(actor=actor(city.partner), person_id=person.pk,
                                             reason="本人と連絡が取れず安否確認が必要なため")
    assert seen_by(city, consultation) == {"recorder", "partner"}
    assert seen_by(city, participation) == {"recorder", "partner"}
    sheet_policy.require_record(actor=actor(city.partner), pk=participation.pk)
    assert AccessLog.objects.filter(user=city.partner, object_id=str(participation.pk),
                                    action="sheet_record_view", basis=Basis.EMERGENCY).exists()
    # read only: only the recording organization edits
    assert not sheet_policy.can_edit_record(actor(city.partner), participation)


def test_a_restricted_person_s_shared_sheet_is_visible_but_masked(city, person) -> None:
    record = write(city, CONSULTATION, person)
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    person_restriction_set(actor=actor(city.recorder), person=person, kind="dv",
                           user_ids=[city.recorder.pk])
    partner = actor(city.partner)
    assert visible(city, "partner", record)
    masks = masking.record_masks(partner, record)
    assert masks.get("person.address") == "閲覧制限"
    assert masking.record_masks(actor(city.recorder), record).get("person.address") is None


def test_sheets_of_another_city_are_never_visible(city, person) -> None:
    record = write(city, CONSULTATION, person)
    assert not sheet_policy.visible_records(actor(city.other_admin)).filter(pk=record.pk).exists()


ANON_LIAISON = {"consent_given": False, "concern": "気になる", "contact_preference": "phone",
                "urgency": "normal"}


def test_an_anonymous_liaison_sheet_reaches_the_writer_and_the_coordinators_only(city) -> None:
    record = services.record_create(actor=actor(city.liaison), code="liaison",
                                    answers=ANON_LIAISON, submit=True)
    assert seen_by(city, record) == {"liaison", "coordinator"}
    sheet_policy.require_record(actor=actor(city.coordinator), pk=record.pk)
    assert AccessLog.objects.filter(user=city.coordinator, object_id=str(record.pk),
                                    basis=Basis.CONSENT).exists()


AREA = {"description": "坂道が多く高齢者が買い物に出にくい", "status": "raised"}


def area_answers(city: Any, **extra: Any) -> dict[str, Any]:
    d = selectors.definition_current(municipality_id=city.municipality.pk, code="area_issue")
    answers = full_answers(d.schema, [city.orgs["library"].pk], [city.liaison.pk])
    answers.update(extra)
    return answers


def test_an_area_issue_reaches_the_writer_coordinators_and_its_shared_with(city) -> None:
    answers = area_answers(city, shared_with=[])
    record = services.record_create(actor=actor(city.liaison), code="area_issue",
                                    answers=answers, submit=True, prefill=False)
    assert seen_by(city, record) == {"liaison", "coordinator"}
    sheet_policy.require_record(actor=actor(city.coordinator), pk=record.pk)
    assert AccessLog.objects.filter(user=city.coordinator, object_id=str(record.pk),
                                    basis=Basis.NOT_PERSONAL).exists()

    # 情報提供先 names 社協: its case-role staff see it (never 監査・管理者)
    answers = area_answers(city, shared_with=[city.orgs["shakyo"].pk])
    shared = services.record_create(actor=actor(city.recorder), code="area_issue",
                                    answers=answers, submit=True, prefill=False)
    assert seen_by(city, shared) == {"recorder", "coordinator", "outsider"}
    # an edit that drops it takes the share away
    services.record_edit_submitted(actor=actor(city.recorder), record=shared,
                                   answers={**answers, "shared_with": []}, reason="提供先の訂正",
                                   lock_version=shared.lock_version)
    assert seen_by(city, shared) == {"recorder", "coordinator"}


def test_a_shared_sheet_read_is_listed_in_the_persons_disclosure_report(city, person) -> None:
    from kasane.people.disclosures import disclosure_report

    record = write(city, CONSULTATION, person)
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    sheet_policy.require_record(actor=actor(city.partner), pk=record.pk)
    report = disclosure_report(actor(city.auditor), person.pk)
    rows = [r for r in report.rows if r["action"] == "sheet_record_view"]
    assert [(r["organization"], r["basis"], r["action_label"]) for r in rows] == [
        ("地域包括北部", Basis.CONSENT, "帳票の閲覧")]


def test_an_export_logs_each_shared_record_with_its_basis(city, person, client) -> None:
    record = write(city, CONSULTATION, person)
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    client.force_login(city.partner)
    r = client.get(f"/sheets/export/{CONSULTATION}/?format=csv")
    body = b"".join(r.streaming_content) if r.streaming else r.content
    assert r.status_code == 200 and str(record.pk).encode() in body
    assert AccessLog.objects.filter(user=city.partner, action="sheet_export",
                                    object_id=str(record.pk), basis=Basis.CONSENT,
                                    person_id=person.pk).exists()
