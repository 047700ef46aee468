"""名寄せ proposal on submit: a sheet that creates a Person through people.services queues a
candidate against the same person already registered by another agency."""

import datetime as dt

import pytest

from kasane.people.models import MatchCandidate
from kasane.people.tests.factories import actor, make_person
from kasane.sheets import services as sheet_services
from kasane.sheets.tests.test_person_binding import _no_consent

pytestmark = pytest.mark.django_db


def test_a_submitted_sheet_proposes_a_match(city) -> None:
    earlier = make_person(city.partner, family_name="佐藤", given_name="和夫",
                          family_name_kana="サトウ", given_name_kana="かずお",
                          birth_date=dt.date(1958, 6, 2), address="重ね市北町1丁目2番3号", phone="")
    record = sheet_services.record_create(actor=actor(city.recorder),
                                          code="intake_application_no_consent",
                                          answers=_no_consent(city), submit=True)
    cand = MatchCandidate.objects.get()
    assert {cand.person_a_id, cand.person_b_id} == {earlier.pk, record.person_id}
    assert cand.band == "high" and cand.status == "pending"
