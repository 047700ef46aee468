"""N+1 guards (issue 13): every list and detail page and API list of sheets runs as many
queries with 25 rows as with one (``kasane.core.testing.assert_flat_queries``)."""

from __future__ import annotations

import pytest

from kasane.core.testing import assert_flat_queries
from kasane.people.tests.factories import make_consent, make_person
from kasane.sheets import attachments, services

from .factories import actor, upload

LIAISON = {"consent_given": False, "concern": "気になる", "contact_preference": "phone",
           "urgency": "normal"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


class _Records:
    """Per row: a submitted 9マスシート about a person of the recorder's and a draft."""

    def __init__(self, city):
        self.city, self.me, self.made = city, actor(city.recorder), []

    def add(self, n):
        for _ in range(n):
            person = make_person(self.city.recorder)
            self.made.append(services.record_create(
                actor=self.me, code="nine_grid", submit=True, person_id=person.pk,
                answers={"center": f"課題{len(self.made)}", "cell_1": "近所の店"}))
            services.record_create_draft(actor=self.me, code="nine_grid")

    def shown(self, response, n):
        assert len(self.made) == n
        body = response.content.decode()
        assert all(f"/sheets/records/{r.pk}/" in body for r in self.made)


def test_the_index_and_the_records_api_run_the_same_queries_for_1_and_25_records(city, client):
    records = _Records(city)
    client.force_login(city.recorder)
    assert_flat_queries(records.add, lambda: client.get("/sheets/"), label="GET /sheets/",
                        check=records.shown)
    assert_flat_queries(records.add, lambda: client.get("/api/v1/sheet-records"),
                        label="GET /api/v1/sheet-records",
                        check=lambda r, n: len(r.json()["items"]) >= 2 * n)


def test_the_coordinators_index_runs_the_same_queries_for_1_and_25_routed_sheets(city, client):
    """つなぐシート of a 連絡員, each naming a person the coordinator sees by consent: the
    rows whose basis comes from ``access.policy`` (bulk), not from the recording org."""
    liaison = actor(city.liaison)
    made = []

    def add(n):
        for _ in range(n):
            person = make_person(city.recorder)
            make_consent(city.recorder, person, [city.orgs["city"]])
            record = services.record_create(actor=liaison, code="liaison", submit=True,
                                            answers=LIAISON)
            record.person_id = person.pk  # bound by the 推進員 when it arrives
            record.save(update_fields=["person_id"])
            made.append(record)

    client.force_login(city.coordinator)
    assert_flat_queries(add, lambda: client.get("/sheets/"), label="GET /sheets/ (coordinator)",
                        check=lambda r, n: all(f"/sheets/records/{x.pk}/" in r.content.decode()
                                               for x in made))
    assert_flat_queries(add, lambda: client.get("/api/v1/sheet-records"),
                        label="GET /api/v1/sheet-records (coordinator)",
                        check=lambda r, n: len(r.json()["items"]) >= len(made))
    assert_flat_queries(add, lambda: client.get("/"), label="GET / (coordinator: つなぐシート)",
                        check=lambda r, n: "新しいつなぐシート" in r.content.decode())
    client.force_login(city.liaison)
    assert_flat_queries(add, lambda: client.get("/"), label="GET / (liaison: 送ったつなぐシート)",
                        check=lambda r, n: "送ったつなぐシート" in r.content.decode())


def test_the_record_page_runs_the_same_queries_for_1_and_25_edits_and_attachments(city, client):
    """Rows of the record page: the history (one entry an edit) and the attachments of a
    file field (at most 10: 1 against 10)."""
    me = actor(city.recorder)
    record = services.record_create(actor=me, code="nine_grid", submit=True,
                                    answers={"center": "課題", "cell_1": "近所の店"})
    files = []

    def add(n):
        nonlocal record
        for _ in range(n):
            files.append(attachments.attachment_upload(
                actor=me, code="nine_grid", field_key="map",
                upload=upload(f"地図{len(files)}.png")).as_answer())
            record = services.record_edit_submitted(
                actor=me, record=record, reason="追記", lock_version=record.lock_version,
                answers={**record.answers, "cell_2": f"追記{len(files)}", "map": files[-10:]})

    def check(response, n):
        body = response.content.decode()
        assert all(f"/sheets/attachments/{f['id']}/" in body for f in files[-10:])
        assert body.count("追記") >= n

    client.force_login(city.recorder)
    assert_flat_queries(add, lambda: client.get(f"/sheets/records/{record.pk}/"),
                        label="GET /sheets/records/{id}/", check=check)


def test_the_person_page_panel_runs_the_same_queries_for_1_and_25_sheets(city, client):
    """The 「帳票」 panel sheets adds to the person page (``sheets.panels``)."""
    me = actor(city.recorder)
    person = make_person(city.recorder)
    made = []

    def add(n):
        for _ in range(n):
            made.append(services.record_create(actor=me, code="nine_grid", submit=True,
                                               person_id=person.pk,
                                               answers={"center": "課題", "cell_1": "店"}))

    client.force_login(city.recorder)
    assert_flat_queries(add, lambda: client.get(f"/people/{person.pk}/"),
                        label="GET /people/{id}/ (sheets panel)",
                        check=lambda r, n: all(f"/sheets/records/{x.pk}/" in r.content.decode()
                                               for x in made))


def test_sheets_shared_by_consent_list_flat_also_for_one_person(city, client):
    """Another organization's sheets shared on consent (the basis of each read from one bulk
    grant query, ``policy.RecordBases``), on the index, the API list and ?person_id=N."""
    me = actor(city.recorder)
    person = make_person(city.recorder)
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    made = []

    def add(n):
        for _ in range(n):
            other = make_person(city.recorder)
            make_consent(city.recorder, other, [city.orgs["houkatsu"]])
            for pid in (person.pk, other.pk):
                made.append(services.record_create(
                    actor=me, code="nine_grid", submit=True, person_id=pid,
                    answers={"center": f"課題{len(made)}", "cell_1": "近所の店"}))

    client.force_login(city.partner)
    assert_flat_queries(add, lambda: client.get("/sheets/"), label="GET /sheets/ (consent)",
                        check=lambda r, n: all(f"/sheets/records/{x.pk}/" in r.content.decode()
                                               for x in made))
    assert_flat_queries(add, lambda: client.get("/api/v1/sheet-records"),
                        label="GET /api/v1/sheet-records (consent)",
                        check=lambda r, n: r.json()["count"] == len(made))
    assert_flat_queries(add, lambda: client.get(f"/api/v1/sheet-records?person_id={person.pk}"),
                        label="GET /api/v1/sheet-records?person_id=N",
                        check=lambda r, n: r.json()["count"] == len(made) // 2)


def test_the_routing_page_runs_the_same_queries_for_1_and_25_rules(city, client):
    from kasane.accounts.models import Membership, Organization, Role, User
    from kasane.sheets import routing

    made = []

    def add(n):
        for _ in range(n):
            i = len(made)
            org = Organization.objects.create(municipality=city.municipality, name=f"施設{i}",
                                              kind="agency")
            user = User.objects.create_user(username=f"coord{i}", password=city.password,
                                            municipality=city.municipality)
            Membership.objects.create(user=user, organization=city.orgs["city"],
                                      role=Role.COORDINATOR)
            Membership.objects.create(user=User.objects.create_user(
                username=f"liaison{i}", municipality=city.municipality),
                organization=org, role=Role.LIAISON)
            made.append(routing.route_set(actor=actor(city.admin), sending_org_id=org.pk,
                                          coordinator_id=user.pk))

    client.force_login(city.admin)
    assert_flat_queries(add, lambda: client.get("/sheets/routing/"), label="GET /sheets/routing/",
                        check=lambda r, n: r.content.decode().count("<tr>") >= n)


def test_a_record_page_lists_what_it_created_in_one_query(city, client) -> None:
    """「この帳票から作成」: 25 derived rows cost what one does (one query for the list)."""
    from kasane.sheets.models import SheetDerivation

    me = actor(city.recorder)
    record = services.record_create(actor=me, code="nine_grid", submit=True,
                                    answers={"center": "課題", "cell_1": "近所の店"})
    made: list[int] = []

    def add(n: int) -> None:
        for _ in range(n):
            made.append(SheetDerivation.objects.create(
                record=record, key=f"contact:{len(made)}", kind="contact", object_id=len(made) + 1,
                status="done", field=f"center.{len(made)}", label="支援記録",
                url=f"/cases/1/#contact-{len(made) + 1}").pk)

    def shown(response, n: int) -> None:
        assert f"この帳票から作成: 支援記録 {n}件" in response.content.decode()

    client.force_login(city.recorder)
    assert_flat_queries(add, lambda: client.get(f"/sheets/records/{record.pk}/"),
                        label="GET /sheets/records/<id>/ (derived)", check=shown)
