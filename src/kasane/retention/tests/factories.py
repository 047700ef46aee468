"""Retention test helpers: a closed case with contents, a lone person, sheet records."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from kasane.accounts.models import Membership
from kasane.cases import services as cases
from kasane.cases.tests.factories import contact_data, make_plan, setup_case
from kasane.people.tests.factories import make_person
from kasane.sheets.models import RecordStatus, SheetDefinition, SheetRecord

LATER = timezone.localdate() + dt.timedelta(days=6 * 366)  # past every default period (5 years)


def closed_case(city: Any) -> SimpleNamespace:
    """A case with a contact and a plan, closed today by its lead (推進員)."""
    s = setup_case(city)
    cases.contact_record(actor=s.coord, case=s.case, data=contact_data(summary="母の介護で疲れている",
                                                                        next_action="再訪問"))
    make_plan(s, city)
    cases.case_close(actor=s.coord, case=s.case, reason="goal_met", evaluation="生活が安定した")
    s.case.refresh_from_db()
    return s


def sheet(city: Any, *, person_id: int | None = None, case_id: int | None = None,
          written_on: dt.date | None = None) -> SheetRecord:
    definition, _ = SheetDefinition.objects.get_or_create(
        code="retention-test", version=1, municipality=None,
        defaults={"title": "テスト帳票", "schema": {"fields": []}, "content_hash": "x"})
    return SheetRecord.objects.create(
        definition=definition, municipality=city.municipality, organization=city.orgs["city"],
        author=city.coordinator, status=RecordStatus.SUBMITTED, written_on=written_on or timezone.localdate(),
        answers={"note": "借金の相談"}, person_id=person_id, case_id=case_id,
        person_snapshot={"family_name": "山田"})


def lone_person(city: Any) -> Any:
    return make_person(city.coordinator, family_name="孤立", given_name="太郎")


def membership(user: Any) -> Membership:
    return Membership.objects.filter(user=user).select_related("organization__municipality").first()
