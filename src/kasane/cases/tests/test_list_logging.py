"""A case list shows who each case is about: the HTML list, the API list and the home inbox
log one ``case.list`` row per shown subject person, with the basis it was shown on — and
nothing for the cases they do not show (issue 13, like person search)."""

from __future__ import annotations

import pytest

from kasane.audit.models import AccessLog
from kasane.cases import services
from kasane.people.tests.factories import make_consent, make_person

from .factories import refer, setup_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    """Partner (地域包括) takes part in case ``shown`` — two persons, each shared with it by
    consent — and not in ``hidden``; ``closed`` is a closed case partner took part in."""
    s = setup_case(city, consent_orgs=("houkatsu",))
    second = make_person(city.coordinator, given_name="花子")
    make_consent(city.coordinator, second, [city.orgs["houkatsu"]])
    shown = services.case_open(actor=s.coord, person_ids=[s.person.pk, second.pk],
                               summary="世帯の相談")
    ref = services.referral_create(actor=s.coord, case=shown, to_org_id=city.orgs["houkatsu"].pk,
                                   reason="介護保険", consent_id=s.consent.pk)
    services.referral_accept(actor=s.partner, referral=ref)
    hidden_person = make_person(city.coordinator, given_name="三郎")
    make_consent(city.coordinator, hidden_person, [city.orgs["houkatsu"]])
    hidden = services.case_open(actor=s.coord, person_ids=[hidden_person.pk], summary="別の相談")
    closed_person = make_person(city.partner, given_name="四郎")
    closed = services.case_open(actor=s.partner, person_ids=[closed_person.pk], summary="終結")
    services.case_close(actor=s.partner, case=closed, reason="goal_met", evaluation="達成")
    s.case_ref = refer(s, city.orgs["houkatsu"])  # the first case: referred, not accepted
    return s, shown, second, hidden, hidden_person, closed, closed_person


def _listed(user, detail):
    return {(row.object_id, row.person_id, row.basis) for row in
            AccessLog.objects.filter(user=user, action="case.list", detail=detail)}


def test_the_case_list_page_logs_each_shown_subject_and_no_other(city, client, world):
    s, shown, second, hidden, hidden_person, closed, closed_person = world
    client.force_login(city.partner)
    page = client.get("/cases/").content.decode()
    assert f"/cases/{shown.pk}/" in page and f"/cases/{hidden.pk}/" not in page
    assert f"/cases/{closed.pk}/" not in page  # the 対応中 tab
    assert _listed(city.partner, "ケース一覧") == {
        (str(shown.pk), s.person.pk, "consent"), (str(shown.pk), second.pk, "consent")}

    client.get("/cases/", {"status": "all"})
    assert (str(closed.pk), closed_person.pk, "own_record") in _listed(city.partner, "ケース一覧")
    logged = {pid for _, pid, _ in _listed(city.partner, "ケース一覧")}
    assert hidden_person.pk not in logged


def test_the_case_list_api_logs_each_shown_subject_and_no_other(city, client, world):
    s, shown, second, hidden, hidden_person, closed, closed_person = world
    client.force_login(city.partner)
    body = client.get("/api/v1/cases", {"status": "open"}).json()
    assert [i["id"] for i in body["items"]] == [shown.pk]
    assert body["items"][0]["person_ids"] == [s.person.pk, second.pk]
    assert _listed(city.partner, "API") == {
        (str(shown.pk), s.person.pk, "consent"), (str(shown.pk), second.pk, "consent")}
    rows = AccessLog.objects.filter(user=city.partner, action="case.list", detail="API")
    assert {r.organization_id for r in rows} == {city.orgs["houkatsu"].pk}
    assert {r.object_type for r in rows} == {"cases.Case"}


def test_the_home_inbox_logs_each_subject_of_the_recently_changed_cases(city, client, world):
    s, shown, second, hidden, hidden_person, closed, closed_person = world
    client.force_login(city.partner)
    home = client.get("/").content.decode()
    assert "最近動きのあったケース" in home and f"#{shown.pk} " in home
    assert f"/cases/{hidden.pk}/" not in home
    logged = _listed(city.partner, "ホーム（最近動きのあったケース）")
    assert {(str(shown.pk), s.person.pk, "consent"), (str(shown.pk), second.pk, "consent"),
            (str(closed.pk), closed_person.pk, "own_record")} == logged


def test_a_list_that_shows_nothing_logs_nothing(city, client, world):
    client.force_login(city.outsider)
    assert client.get("/api/v1/cases").json() == {"items": [], "count": 0}
    client.get("/cases/")
    client.get("/")
    assert not AccessLog.objects.filter(user=city.outsider, action="case.list").exists()


def test_the_coordinator_sees_the_cases_on_its_own_records(city, client, world):
    s, shown, second, hidden, hidden_person, closed, closed_person = world
    client.force_login(city.coordinator)
    client.get("/api/v1/cases")
    logged = _listed(city.coordinator, "API")
    assert (str(hidden.pk), hidden_person.pk, "own_record") in logged
    assert (str(s.case.pk), s.person.pk, "own_record") in logged
    assert not any(pid == closed_person.pk for _, pid, _ in logged)
