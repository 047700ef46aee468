"""``sheets.policy.actors_who_may_see`` (who is told of a routed sheet) gives exactly the answer
of ``visible_records`` asked per actor: every membership of the demo city × every record of
the demo (routed, shared by consent, drafts, other organizations', case-linked, 地域課題) plus
records whose person has a 閲覧制限, emergency, user-only, expired, future and narrow grants
— in a constant number of queries whatever the number of candidates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kasane.access.models import Grant
from kasane.accounts import demo as accounts_demo
from kasane.accounts.models import Membership, Role
from kasane.cases import demo as cases_demo
from kasane.meetings import demo as meetings_demo
from kasane.people import demo as people_demo
from kasane.people.models import Person
from kasane.sheets import demo as sheets_demo
from kasane.sheets import policy as sheet_policy
from kasane.sheets import services as sheet_services
from kasane.sheets.models import RecordStatus, SheetRecord

from .. import demo as notify_demo

pytestmark = pytest.mark.django_db

LIAISON = {"consent_given": False, "concern": "気になる", "contact_preference": "phone",
           "urgency": "normal"}


def _load_demo() -> None:
    data = accounts_demo.load()
    for load in (people_demo.load, sheets_demo.load, cases_demo.load, meetings_demo.load,
                 notify_demo.load):
        load(data)


def _grant(person: Any, member: Membership, **kwargs: Any) -> None:
    Grant.objects.create(municipality_id=person.municipality_id, person=person,
                         **{"basis": "consent", **kwargs})


def _widen(members: list[Membership]) -> None:
    """Bases the demo lacks, each on a person a routed sheet is bound to: grants of every shape
    (organization, one user anywhere, one user in one organization, emergency, expired,
    not yet valid, ended, narrow scope), a 閲覧制限, a draft, an inactive membership."""
    now = timezone.now()
    persons = list(Person.objects.order_by("pk")[:6])
    staff = [m for m in members if m.role in (Role.CASEWORKER, Role.COORDINATOR)]
    crowded = next(m for m in staff if sum(x.organization_id == m.organization_id
                                           for x in staff) >= 2)
    assert len(persons) >= 6
    p0, p1, p2, p3, p4, p5 = persons
    a, b, c = staff[0], staff[-1], crowded
    _grant(p0, b, organization=b.organization, scope="participation")
    _grant(p1, b, user=b.user, scope="all")  # the user in any organization
    _grant(p2, c, organization=c.organization, user=c.user, basis="emergency")
    _grant(p5, c, organization=c.organization, user=c.user, scope="information_sharing")
    _grant(p3, a, organization=a.organization, valid_until=now - dt.timedelta(hours=1))
    _grant(p4, a, organization=a.organization, valid_from=now + dt.timedelta(days=1))
    _grant(p5, b, organization=b.organization, scope="information_sharing,participation")
    _grant(p0, c, organization=c.organization, ended_at=now)
    p1.restriction_users.add(c.user)
    liaison = next(m for m in members if m.role == Role.LIAISON)
    for person in (*persons, None):
        record = sheet_services.record_create(actor=liaison, code="liaison", submit=True,
                                              answers=LIAISON)
        if person is not None:
            SheetRecord.objects.filter(pk=record.pk).update(person_id=person.pk)
    sheet_services.record_create_draft(actor=a, code="nine_grid")
    Membership.objects.filter(pk=staff[1].pk).update(is_active=False)


def test_the_bulk_answer_is_visible_records_for_every_membership_and_record(settings) -> None:
    settings.DEMO_MODE = True
    _load_demo()
    _widen(list(Membership.objects.select_related("organization", "user")))
    members = list(Membership.objects.select_related("organization", "user").order_by("pk"))
    seen = {m.pk: set(sheet_policy.visible_records(m).values_list("pk", flat=True))
            for m in members}
    records = list(SheetRecord.objects.select_related("definition").order_by("pk"))
    kinds = {(r.definition.code, r.status, r.person_id is None, r.case_id is None)
             for r in records}
    assert len(kinds) >= 8 and any(r.case_id for r in records)  # the demo covers many kinds
    partly = 0
    for record in records:
        expected = [m.pk for m in members if record.pk in seen[m.pk]]
        with CaptureQueriesContext(connection) as queries:
            got = [m.pk for m in sheet_policy.actors_who_may_see(record, members)]
        assert got == expected, (record.pk, record.definition.code, record.status)
        assert len(queries) <= 4
        partly += 0 < len(expected) < len(members)
    assert partly == len(records)  # nobody sees all, someone sees each
    others = sum(1 for m in members for r in records
                 if r.pk in seen[m.pk] and r.organization_id != m.organization_id)
    assert others >= 5  # shared records are part of the comparison, not only own ones


def test_a_submitted_routed_sheet_tells_the_tenants_coordinators_only(city) -> None:
    from kasane.notify.models import Notification
    from kasane.sheets.tests.factories import actor

    second = Membership.objects.create(user=city.partner, organization=city.orgs["shakyo"],
                                       role=Role.COORDINATOR)
    Membership.objects.create(user=city.other_admin, organization=city.other_org,
                              role=Role.COORDINATOR)
    draft = sheet_services.record_create_draft(actor=actor(city.liaison), code="liaison",
                                               answers=LIAISON)
    record = sheet_services.record_submit(actor=actor(city.liaison), record=draft,
                                          lock_version=None)
    assert record.status == RecordStatus.SUBMITTED
    told = Notification.objects.filter(kind="sheet_received", object_id=str(record.pk))
    assert {(n.user_id, n.organization_id) for n in told} == {
        (city.coordinator.pk, city.orgs["city"].pk), (second.user_id, second.organization_id)}
    assert {n.title for n in told} == {"つなぐシートが届きました"}
