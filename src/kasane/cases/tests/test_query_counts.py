"""N+1 guards (issue 13): every list and detail page and API list of cases runs as many
queries with 25 rows as with one (``kasane.core.testing.assert_flat_queries``); the API case
list does at 200 rows too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kasane.cases import services
from kasane.core.testing import assert_flat_queries
from kasane.people import services as people_services
from kasane.people.models import MatchCandidate
from kasane.people.tests.factories import actor, make_consent, make_person

from .factories import contact_data, make_plan, setup_case

pytestmark = pytest.mark.django_db


class _Cases:
    """Cases opened by the coordinator, each for a person of its own shared with partners."""

    def __init__(self, city):
        self.city, self.coord, self.made = city, actor(city.coordinator), []

    def add(self, n):
        for _ in range(n):
            person = make_person(self.city.coordinator, birth_date=dt.date(1990, 1, 1)
                                 + dt.timedelta(days=len(self.made) * 40))
            self.made.append(services.case_open(actor=self.coord, person_ids=[person.pk],
                                                summary="相談", triage="3"))

    def shown(self, response, n):
        assert len(self.made) == n
        body = response.content.decode()
        assert all(f"/cases/{c.pk}/" in body for c in self.made)


def test_the_case_list_page_runs_the_same_queries_for_1_and_25_cases(city, client):
    cases = _Cases(city)
    client.force_login(city.coordinator)
    assert_flat_queries(cases.add, lambda: client.get("/cases/"), label="GET /cases/",
                        check=cases.shown)
    assert_flat_queries(cases.add, lambda: client.get("/cases/", {"status": "all"}),
                        label="GET /cases/?status=all",
                        check=lambda r, n: r.content.decode().count('<td data-label="本人">') >= n)


def test_the_case_list_api_runs_the_same_queries_for_1_and_25_cases(city, client):
    cases = _Cases(city)
    client.force_login(city.coordinator)

    def check(response, n):
        items = response.json()["items"]
        assert len(items) == n == response.json()["count"]
        assert all(len(i["person_ids"]) == 1 for i in items)

    assert_flat_queries(cases.add, lambda: client.get("/api/v1/cases"),
                        label="GET /api/v1/cases", check=check)


def test_the_case_list_api_runs_the_same_queries_for_1_and_200_cases(city, client):
    """Done when of issue 13: ``GET /api/v1/cases`` at 200 rows runs a constant number of
    queries. Twenty persons share the 200 cases (opening is what costs here)."""
    coord = actor(city.coordinator)
    persons = [make_person(city.coordinator, birth_date=dt.date(1950 + i, 1, 1)) for i in range(20)]
    made = []

    def add(n):
        for _ in range(n):
            made.append(services.case_open(actor=coord, person_ids=[persons[len(made) % 20].pk],
                                           summary="相談"))

    client.force_login(city.coordinator)
    counts = assert_flat_queries(add, lambda: client.get("/api/v1/cases"), large=200,
                                 label="GET /api/v1/cases (200)",
                                 check=lambda r, n: len(r.json()["items"]) == n)
    assert counts.large == counts.small


def test_the_case_page_runs_the_same_queries_for_1_and_25_of_each_kind_of_row(city, client):
    """Rows of the case page: contacts and the timeline, plan versions, referrals (declined,
    so the next can go), household members with their open cases."""
    s = setup_case(city)
    recorder = actor(city.recorder)
    relatives = []

    def add(n):
        for _ in range(n):
            services.contact_record(actor=s.coord, case=s.case, data=contact_data(
                summary=f"訪問{len(relatives)}"))
            make_plan(s, city)
            ref = services.referral_create(actor=s.coord, case=s.case,
                                           to_org_id=city.orgs["shougai"].pk, reason="相談",
                                           consent_id=s.consent.pk)
            services.referral_decline(actor=recorder, referral=ref, reason="対象外")
            relative = make_person(city.coordinator, given_name=f"花子{len(relatives)}")
            people_services.household_member_add(actor=s.coord, person=relative,
                                                 with_person=s.person, relation="child")
            relatives.append((relative, services.case_open(
                actor=s.coord, person_ids=[relative.pk], summary="世帯員の相談")))

    def check(response, n):
        body = response.content.decode()
        assert all(f"/cases/{c.pk}/" in body for _, c in relatives)
        assert body.count('data-testid="plan-') == n

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get(f"/cases/{s.case.pk}/"),
                        label="GET /cases/{id}/", check=check)


def test_the_plan_list_api_runs_the_same_queries_for_1_and_25_plans(city, client):
    s = setup_case(city)
    plans = []

    def add(n):
        for _ in range(n):
            plans.append(make_plan(s, city))

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get(f"/api/v1/cases/{s.case.pk}/plans"),
                        label="GET /api/v1/cases/{id}/plans",
                        check=lambda r, n: r.json()["count"] == n)


def test_the_home_inbox_runs_the_same_queries_for_1_and_25_changed_cases_and_referrals(city, client):
    """The cases sections of the home page: recently changed cases (8 shown), referrals
    waiting for my organization, overdue next actions and plan reviews due (10 each)."""
    s = setup_case(city)
    cases = _Cases(city)
    recorder_cases = []

    def add(n):
        cases.add(n)
        for case in cases.made[-n:]:
            person_id = case.subjects.get().person_id
            make_consent(city.coordinator, people_services_person(person_id),
                         [city.orgs["shougai"]])
            services.referral_create(actor=s.coord, case=case, to_org_id=city.orgs["shougai"].pk,
                                     reason="相談", consent_id=case_consent(person_id))
            services.contact_record(actor=s.coord, case=case, data=contact_data(
                next_action="電話する", next_due_on=timezone.localdate() - dt.timedelta(days=1)))
            recorder_cases.append(case)

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get("/"), label="GET / (coordinator: cases)",
                        check=lambda r, n: r.content.decode().count("期日 ") >= min(n, 10))
    client.force_login(city.recorder)
    assert_flat_queries(add, lambda: client.get("/"), label="GET / (recorder: referrals waiting)",
                        check=lambda r, n: r.content.decode().count("からのつなぎ #") >= min(n, 10))


def people_services_person(person_id):
    from kasane.people.models import Person

    return Person.objects.get(pk=person_id)


def case_consent(person_id):
    from kasane.people.models import Consent

    return Consent.objects.filter(person_id=person_id).order_by("-pk").first().pk


def test_the_identity_page_runs_the_same_queries_for_1_and_25_cases_of_its_records(city, client):
    """The cases each record of a merged identity shows (``people.selectors.IDENTITY_RECORDS``)."""
    coord = actor(city.coordinator)
    fields = {"family_name": "髙橋", "given_name": "博", "family_name_kana": "タカハシ",
              "given_name_kana": "ヒロシ", "birth_date": dt.date(1950, 4, 3)}
    a = make_person(city.coordinator, **fields)
    b = make_person(city.coordinator, **{**fields, "phone": "042-555-1234"})
    people_services.match_decide(actor=coord, candidate=MatchCandidate.objects.get(),
                                 decision="same", note="確認済み")
    made = []

    def add(n):
        for _ in range(n):
            made.append(services.case_open(actor=coord, person_ids=[(a, b)[len(made) % 2].pk],
                                           summary="相談"))

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get(f"/people/{a.pk}/identity/"),
                        label="GET /people/{id}/identity/ (cases)",
                        check=lambda r, n: all(f"/cases/{c.pk}/" in r.content.decode() for c in made))


def test_the_case_page_and_api_run_the_same_queries_for_1_and_25_subjects(city, client):
    """A case of 25 persons (a large household) against a case of one: each size is a new
    case with every person made so far; subjects bring their households along."""
    coord = actor(city.coordinator)
    head = make_person(city.coordinator, given_name="一郎")  # in the household, not a subject
    persons, latest = [], []

    def add(n):
        for _ in range(n):
            person = make_person(city.coordinator, given_name=f"次郎{len(persons)}")
            people_services.household_member_add(actor=coord, person=person, with_person=head,
                                                 relation="child")
            persons.append(person)
        latest.append(services.case_open(actor=coord, person_ids=[p.pk for p in persons],
                                         summary="世帯の相談"))

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get(f"/cases/{latest[-1].pk}/"),
                        label="GET /cases/{id}/ (subjects)",
                        check=lambda r, n: all(f"/people/{p.pk}/" in r.content.decode()
                                               for p in persons) and "一郎" in r.content.decode())
    persons.clear()
    assert_flat_queries(add, lambda: client.get(f"/api/v1/cases/{latest[-1].pk}"),
                        label="GET /api/v1/cases/{id} (subjects)",
                        check=lambda r, n: len(r.json()["person_ids"]) == n)


def test_the_referral_form_runs_the_same_queries_for_1_and_25_consents(city, client):
    """The つなぐ form lists the current consents of the case's subjects (with their
    organizations) as choices."""
    s = setup_case(city)
    orgs = list(city.orgs.values())
    made = [s.consent]  # the case's own, plus one a row

    def add(n):
        for _ in range(n):
            i = len(made)
            made.append(make_consent(city.coordinator, s.person, [orgs[i % 4], orgs[(i + 1) % 4]]))

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get(f"/cases/{s.case.pk}/refer/"),
                        label="GET /cases/{id}/refer/",
                        check=lambda r, n: all(f'value="{c.pk}"' in r.content.decode()
                                               for c in made))


def test_the_referral_page_runs_the_same_queries_for_1_and_25_subjects(city, client):
    """The receiving organization sees the persons of a つなぎ it may see (each logged): each
    size is a new case of every person made so far, each person's consent naming it."""
    coord = actor(city.coordinator)
    persons, consents, latest = [], [], []

    def add(n):
        for _ in range(n):
            person = make_person(city.coordinator, given_name=f"三郎{len(persons)}")
            consents.append(make_consent(city.coordinator, person, [city.orgs["shougai"]]))
            persons.append(person)
        case = services.case_open(actor=coord, person_ids=[p.pk for p in persons], summary="相談")
        latest.append(services.referral_create(actor=coord, case=case,
                                               to_org_id=city.orgs["shougai"].pk,
                                               reason="障害福祉サービスの検討",
                                               consent_id=consents[0].pk))

    client.force_login(city.recorder)
    assert_flat_queries(add, lambda: client.get(f"/cases/referrals/{latest[-1].pk}/"),
                        label="GET /cases/referrals/{id}/ (subjects)",
                        check=lambda r, n: all(p.full_name in r.content.decode() for p in persons))
