"""Query budgets of the case screens the bench mix opens (issue 21): the case page, the contact
form and its POST, per role — the 推進員 who leads the case and a partner organization's
caseworker involved through an accepted つなぎ. The counts are exact, so a new query (an
N+1, a relation read twice, a policy question asked again) fails here; a deliberate change
updates the number with the reason in the commit. The rows are those of a lived-in case:
a household member with an open case, a plan with monitoring, a referral, contacts.

Counted with ``core.testing.count_queries`` (a test session: atomic blocks are savepoints)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kasane.cases import services
from kasane.cases.models import Contact
from kasane.core.testing import count_queries
from kasane.people import services as people_services
from kasane.people.tests.factories import make_person

from .factories import contact_data, make_plan, refer, setup_case

pytestmark = pytest.mark.django_db

# role → (case page, contact form, contact POST)
BUDGETS = {"coordinator": (29, 11, 16), "partner": (28, 11, 16)}


@pytest.fixture
def lived_in(city):
    """A case led by the coordinator's organization, the partner (地域包括) involved."""
    s = setup_case(city)
    ref = refer(s, city.orgs["houkatsu"])
    services.referral_accept(actor=s.partner, referral=ref, note="受理します")
    services.contact_record(actor=s.coord, case=s.case, data=contact_data())
    services.contact_record(actor=s.partner, case=s.case, data=contact_data(reached=False,
                                                                             not_reached_reason="不在"))
    plan = make_plan(s, city)
    services.plan_approve(actor=s.coord, plan=plan, expected_version=plan.lock_version)
    relative = make_person(city.coordinator, given_name="花子")
    people_services.household_member_add(actor=s.coord, person=relative, with_person=s.person,
                                         relation="child")
    services.case_open(actor=s.coord, person_ids=[relative.pk], summary="世帯員の相談")
    s.case.refresh_from_db()
    return s


def _post(client, case_id):
    at = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return client.post(f"/cases/{case_id}/contacts/new/", {
        "at": at, "method": "visit", "reached": "1", "summary": "電話で近況を確認した"})


@pytest.mark.parametrize("role", sorted(BUDGETS))
def test_it_keeps_the_case_screens_within_their_query_budgets(city, client, lived_in, role):
    client.force_login(getattr(city, role))
    url = f"/cases/{lived_in.case.pk}/"
    client.get(url)  # warm: the first request of a session may load more (menus, messages)

    counts = []
    n, r = count_queries(lambda: client.get(url))
    body = r.content.decode()
    assert 'data-testid="plan-1"' in body and "地域包括北部" in body
    assert ("花子" in body) is (role == "coordinator")  # the relative is the coordinator's own
    counts.append(n)

    n, r = count_queries(lambda: client.get(f"{url}contacts/new/"))
    assert 'name="summary"' in r.content.decode()
    counts.append(n)

    before = Contact.objects.count()
    n, r = count_queries(lambda: _post(client, lived_in.case.pk), status=302)
    assert Contact.objects.count() == before + 1
    counts.append(n)
    assert tuple(counts) == BUDGETS[role], (
        f"{role}: case page, contact form, contact POST ran {counts} queries "
        f"(budget {BUDGETS[role]})")
