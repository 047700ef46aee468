"""GET /api/v1/sheet-records?person_id=N: the sheets about N the caller may see; 404 (logged
denial) when N itself is not visible, with the body of GET /api/v1/persons/N."""

from __future__ import annotations

from kasane.audit.models import AccessLog, Basis
from kasane.people.tests.factories import make_consent, make_person
from kasane.sheets import services

from .factories import actor

GRID = {"center": "課題", "cell_1": "本人の力"}


def test_it_lists_the_persons_sheets_the_caller_may_see(city, client) -> None:
    person, other = make_person(city.recorder), make_person(city.recorder)
    mine = services.record_create(actor=actor(city.recorder), code="nine_grid", answers=GRID,
                                  submit=True, person_id=person.pk)
    services.record_create(actor=actor(city.recorder), code="nine_grid", answers=GRID,
                           submit=True, person_id=other.pk)
    services.record_create(actor=actor(city.recorder), code="participation",
                           answers={}, person_id=person.pk)  # a draft: never shared
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    client.force_login(city.partner)
    body = client.get(f"/api/v1/sheet-records?person_id={person.pk}").json()
    assert [i["id"] for i in body["items"]] == [mine.pk] and body["count"] == 1
    assert AccessLog.objects.filter(user=city.partner, action="sheet_record_api_list",
                                    object_id=str(mine.pk), basis=Basis.CONSENT).exists()

    client.force_login(city.recorder)
    body = client.get(f"/api/v1/sheet-records?person_id={person.pk}").json()
    assert body["count"] == 2  # own organization: its submitted record and its own draft


def test_an_invisible_person_is_a_404_like_the_person_itself(city, client) -> None:
    person = make_person(city.recorder)
    client.force_login(city.partner)
    listed = client.get(f"/api/v1/sheet-records?person_id={person.pk}")
    direct = client.get(f"/api/v1/persons/{person.pk}")
    missing = client.get("/api/v1/sheet-records?person_id=999999")
    assert listed.status_code == direct.status_code == missing.status_code == 404
    assert listed.json() == direct.json() == missing.json()
    assert AccessLog.objects.filter(user=city.partner, basis=Basis.DENIED,
                                    person_id=person.pk).count() >= 2
