"""The 担当者/機関 pickers of sheets (受付者, 連絡員, 受付機関, 施設 …) offer only role-appropriate
staff and agencies, and validation refuses any other id."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kasane.sheets import selectors, services

from .factories import actor

pytestmark = pytest.mark.django_db


def test_it_offers_case_staff_and_agencies_on_the_intake_sheet(city) -> None:
    refs = selectors.ref_choices(municipality_id=city.municipality.pk, code="intake_application")
    users = {label for _, label in refs["user"]}
    orgs = {label for _, label in refs["org"]}
    assert users == {"coordinator", "recorder", "partner", "outsider"}  # no 監査/管理者/事務局
    assert "監査担当" not in orgs and {"福祉相談課", "障害相談"} <= orgs


def test_it_offers_the_liaison_on_the_liaison_sheet(city) -> None:
    refs = selectors.ref_choices(municipality_id=city.municipality.pk, code="liaison")
    assert "liaison" in {label for _, label in refs["user"]}
    assert "図書館" in {label for _, label in refs["org"]}
    assert "auditor" not in {label for _, label in refs["user"]}


def test_it_refuses_an_auditor_or_a_back_office_on_a_sheet(city) -> None:
    me = actor(city.recorder)
    with pytest.raises(ValidationError) as exc:
        services.record_create(actor=me, code="intake_application",
                               answers={"received_by": city.auditor.pk,
                                        "received_by_org": city.orgs["audit"].pk})
    assert {"received_by", "received_by_org"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:  # a 連絡員 is not a 受付者
        services.record_create(actor=me, code="intake_application",
                               answers={"received_by": city.liaison.pk})
    assert "received_by" in exc.value.message_dict
