"""The one visibility rule for records (moves to kasane.access.policy later)."""

from __future__ import annotations

import pytest
from django.http import Http404

from kasane.audit.models import AccessLog, Basis
from kasane.sheets import policy as sheet_policy
from kasane.sheets import services

from .factories import actor

GRID = {"center": "課題", "cell_1": "本人の力"}
LIAISON = {"consent_given": False, "concern": "気になる", "contact_preference": "phone",
           "urgency": "normal"}


@pytest.fixture
def records(city):
    return {
        "own": services.record_create(actor=actor(city.recorder), code="nine_grid", answers=GRID,
                                      submit=True),
        "draft": services.record_create_draft(actor=actor(city.recorder), code="nine_grid"),
        "liaison": services.record_create(actor=actor(city.liaison), code="liaison",
                                          answers=LIAISON, submit=True),
        "liaison_draft": services.record_create_draft(actor=actor(city.liaison), code="liaison"),
    }


def visible(user) -> set[int]:
    return set(sheet_policy.visible_records(actor(user)).values_list("pk", flat=True))


def test_it_shows_own_org_submitted_and_own_drafts(city, records) -> None:
    assert visible(city.recorder) == {records["own"].pk, records["draft"].pk}


def test_it_hides_other_orgs_records(city, records) -> None:
    assert visible(city.partner) == set()
    assert visible(city.outsider) == set()


def test_it_routes_submitted_liaison_sheets_to_coordinators_only(city, records) -> None:
    assert visible(city.coordinator) == {records["liaison"].pk}


def test_it_shows_a_liaison_only_what_they_wrote(city, records) -> None:
    assert visible(city.liaison) == {records["liaison"].pk, records["liaison_draft"].pk}


def test_it_shows_nothing_to_admin_auditor_secretariat_or_another_city(city, records) -> None:
    for user in (city.admin, city.auditor, city.secretariat, city.other_admin):
        assert visible(user) == set()


def test_it_logs_reads_with_their_basis_and_denials(city, records) -> None:
    sheet_policy.require_record(actor=actor(city.coordinator), pk=records["liaison"].pk)
    assert AccessLog.objects.filter(object_id=str(records["liaison"].pk), basis=Basis.CONSENT,
                                    action="sheet_record_view").exists()
    sheet_policy.require_record(actor=actor(city.recorder), pk=records["own"].pk)
    assert AccessLog.objects.filter(object_id=str(records["own"].pk), basis=Basis.OWN_RECORD).exists()
    with pytest.raises(Http404):
        sheet_policy.require_record(actor=actor(city.outsider), pk=records["own"].pk)
    assert AccessLog.objects.filter(object_id=str(records["own"].pk), basis=Basis.DENIED,
                                    user_id=city.outsider.pk).exists()


def test_it_logs_area_issue_reads_as_not_personal(city) -> None:
    record = services.record_create(actor=actor(city.recorder), code="area_issue", answers={
        "area": "北部", "raised_by": "member", "themes": ["shopping"], "title": "買い物",
        "description": "困難", "status": "received"}, submit=True)
    sheet_policy.require_record(actor=actor(city.recorder), pk=record.pk)
    assert AccessLog.objects.filter(object_id=str(record.pk), action="sheet_record_view",
                                    basis=Basis.NOT_PERSONAL).exists()
