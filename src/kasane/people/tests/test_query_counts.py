"""N+1 guards (issue 13): every list and detail page and API list of people runs as many
queries with 25 rows as with one (``kasane.core.testing.assert_flat_queries``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kasane.access import services as access_services
from kasane.audit.services import access_log
from kasane.core.testing import assert_flat_queries
from kasane.people import services

from .factories import actor, make_consent, make_person

pytestmark = pytest.mark.django_db

_KANJI = "赤井上江尾加木久毛古佐志須瀬曽田千津手戸奈仁沼根野羽比布辺保"
_KANA = ["アカ", "イ", "ウエ", "エ", "オ", "カ", "キ", "ク", "ケ", "コ", "サ", "シ", "ス", "セ",
         "ソ", "タ", "チ", "ツ", "テ", "ト", "ナ", "ニ", "ヌマ", "ネ", "ノ", "ハ", "ヒ", "フ",
         "ヘン", "ホ"]


def _shows_all(made, marker):
    def check(response, n):
        assert len(made) == n
        body = response.content.decode()
        missing = [m for m in made if marker(m) not in body]
        assert not missing, f"not shown: {missing[:3]}"
    return check


def _items(n_expected_at_least=None):
    def check(response, n):
        assert len(response.json()["items"]) >= (n if n_expected_at_least is None else n_expected_at_least)
    return check


def test_the_search_page_and_the_persons_api_run_the_same_queries_for_1_and_25_persons(city, client):
    made = []
    client.force_login(city.coordinator)

    def add(n):
        for _ in range(n):
            made.append(make_person(city.coordinator))

    assert_flat_queries(add, lambda: client.get("/people/", {"q": "ヤマダ"}),
                        label="GET /people/?q=", check=_shows_all(made, lambda p: f"/people/{p.pk}/"))
    made.clear()
    client.force_login(city.partner)

    def add_shared(n):
        for _ in range(n):
            made.append(make_person(city.partner))

    assert_flat_queries(add_shared, lambda: client.get("/api/v1/persons"),
                        label="GET /api/v1/persons", check=lambda r, n: len(r.json()["items"]) == n)
    assert_flat_queries(lambda n: add_shared(n), lambda: client.get("/api/v1/persons", {"q": "ヤマダ"}),
                        label="GET /api/v1/persons?q=",
                        check=lambda r, n: len(r.json()["items"]) == len(made))


def test_the_person_page_runs_the_same_queries_for_1_and_25_consents_and_relatives(city, client):
    """Rows of the person page that people owns: consents (each with its organizations and
    grants) and household members. The panels of higher apps are guarded there (sheets)."""
    me = actor(city.coordinator)
    person = make_person(city.coordinator)
    orgs = list(city.orgs.values())
    relatives, consents = [], []

    def add(n):
        for _ in range(n):
            i = len(consents)
            consents.append(make_consent(city.coordinator, person, [orgs[i % 4], orgs[(i + 1) % 4]],
                                         obtained_on=timezone.localdate() - dt.timedelta(days=i)))
            relative = make_person(city.coordinator)
            services.household_member_add(actor=me, person=relative, with_person=person,
                                          relation="child")
            relatives.append(relative)

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get(f"/people/{person.pk}/"),
                        label="GET /people/{id}/",
                        check=_shows_all(relatives, lambda p: f"/people/{p.pk}/"))


def test_the_consent_list_api_runs_the_same_queries_for_1_and_25_consents(city, client):
    person = make_person(city.coordinator)
    orgs = list(city.orgs.values())
    made = []

    def add(n):
        for _ in range(n):
            i = len(made)
            made.append(make_consent(city.coordinator, person, [orgs[i % 4], orgs[(i + 1) % 4]]))

    client.force_login(city.coordinator)

    def check(response, n):
        body = response.json()
        assert len(body) == n and all(len(c["organization_ids"]) == 2 for c in body)

    assert_flat_queries(add, lambda: client.get(f"/api/v1/persons/{person.pk}/consents"),
                        label="GET /api/v1/persons/{id}/consents", check=check)


def test_the_disclosure_report_runs_the_same_queries_for_1_and_25_log_rows(city, client):
    person = make_person(city.coordinator)
    users = [city.coordinator, city.recorder, city.partner, city.outsider]
    memberships = {u.pk: actor(u) for u in users}

    def add(n):
        for i in range(n):
            user = users[i % len(users)]
            access_log(user=user, action="person.view", basis="consent",
                       organization_id=memberships[user.pk].organization_id,
                       object_type="people.Person", object_id=person.pk, person_id=person.pk)

    client.force_login(city.auditor)
    assert_flat_queries(add, lambda: client.get(f"/people/{person.pk}/disclosures/"),
                        label="GET /people/{id}/disclosures/")
    assert_flat_queries(add, lambda: client.get(f"/api/v1/persons/{person.pk}/disclosures"),
                        label="GET /api/v1/persons/{id}/disclosures",
                        check=lambda r, n: r.json()["count"] >= n)


def test_the_emergency_queue_runs_the_same_queries_for_1_and_25_requests(city, client):
    requester = actor(city.outsider)
    made = []

    def add(n):
        for _ in range(n):
            person = make_person(city.recorder)
            made.append(access_services.emergency_access_request(
                actor=requester, person_id=person.pk, reason="安否が確認できず生命の危険があるため"))

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get("/people/emergency/"),
                        label="GET /people/emergency/",
                        check=_shows_all(made, lambda r: f'data-testid="review-{r.pk}"'))
    assert_flat_queries(add, lambda: client.get("/"), label="GET / (coordinator: emergency)",
                        check=lambda r, n: "緊急アクセスの事後確認" in r.content.decode())


def _pair(city, i):
    """Two records of one person (a 名寄せ candidate), both shared with the coordinator's org."""
    k = i % len(_KANA)
    fields = {"family_name": _KANJI[k], "given_name": "博", "family_name_kana": _KANA[k],
              "given_name_kana": "ヒロシ", "birth_date": dt.date(1930 + i, 4, 3),
              "phone": f"042-555-{1000 + i}", "address": f"重ね市本町{i + 1}丁目4番5号"}
    a = make_person(city.recorder, **fields)
    b = make_person(city.outsider, **{**fields, "phone": "", "birth_date": dt.date(1930 + i, 3, 4)})
    make_consent(city.recorder, a, [city.orgs["city"]])
    make_consent(city.outsider, b, [city.orgs["city"]])
    return a, b


def test_the_matching_queue_and_its_api_run_the_same_queries_for_1_and_25_candidates(city, client):
    from kasane.people.models import MatchCandidate

    made = []

    def add(n):
        for _ in range(n):
            made.append(_pair(city, len(made)))
        assert MatchCandidate.objects.count() >= len(made)

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get("/people/matching/"),
                        label="GET /people/matching/",
                        check=lambda r, n: r.content.decode().count('data-testid="candidate-') >= n)
    assert_flat_queries(add, lambda: client.get("/api/v1/match-candidates", {"limit": 200}),
                        label="GET /api/v1/match-candidates",
                        check=lambda r, n: len(r.json()["items"]) >= len(made))
    assert_flat_queries(add, lambda: client.get("/"), label="GET / (coordinator: 名寄せ)",
                        check=lambda r, n: "名寄せ候補 " in r.content.decode())


def test_the_identity_page_runs_the_same_queries_for_1_and_25_linked_records(city, client):
    from kasane.people.models import MatchCandidate

    coord = actor(city.coordinator)
    fields = {"family_name": "髙橋", "given_name": "博", "family_name_kana": "タカハシ",
              "given_name_kana": "ヒロシ", "birth_date": dt.date(1950, 4, 3),
              "address": "重ね市本町三丁目4番5号"}
    anchor = make_person(city.coordinator, **fields)
    linked = []

    def add(n):
        for _ in range(n):
            other = make_person(city.coordinator, **{**fields, "phone": f"042-555-{1000 + len(linked)}"})
            cand = MatchCandidate.objects.filter(person_b=other).first() or \
                MatchCandidate.objects.filter(person_a=other).first()
            assert cand is not None
            services.match_decide(actor=coord, candidate=cand, decision="same", note="確認済み")
            linked.append(other)

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get(f"/people/{anchor.pk}/identity/"),
                        label="GET /people/{id}/identity/",
                        check=_shows_all(linked, lambda p: f"/people/{p.pk}/"))
    assert_flat_queries(add, lambda: client.get(f"/api/v1/persons/{anchor.pk}/identity"),
                        label="GET /api/v1/persons/{id}/identity",
                        check=lambda r, n: len(r.json()["members"]) >= n)
