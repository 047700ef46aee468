"""N+1 guards (issue 13): the auditor's searches run as many queries with 25 rows as with one
(``kasane.core.testing.assert_flat_queries``)."""

from __future__ import annotations

import pytest

from kasane.audit import services
from kasane.audit.models import Basis
from kasane.core.testing import assert_flat_queries

pytestmark = pytest.mark.django_db


def test_the_access_log_search_runs_the_same_queries_for_1_and_25_rows(city, client):
    users = [city.coordinator, city.recorder, city.partner, city.outsider]
    made = []

    def add(n):
        for _ in range(n):
            user = users[len(made) % len(users)]
            made.append(services.access_log(
                user=user, action=f"person.view{len(made)}", basis=Basis.CONSENT,
                organization_id=user.memberships.get().organization_id,
                object_type="people.Person", object_id=len(made), person_id=len(made)))

    client.force_login(city.auditor)
    assert_flat_queries(add, lambda: client.get("/audit/", {"action": "person.view"}),
                        label="GET /audit/",
                        check=lambda r, n: all(f"person.view{i}" in r.content.decode()
                                               for i in range(n)))


def test_the_change_search_runs_the_same_queries_for_1_and_25_rows(city, client):
    org = city.orgs["shakyo"]
    users = [city.coordinator, city.recorder, city.partner]
    made = []

    def add(n):
        for _ in range(n):
            before = services.snapshot(org, ["name"])
            org.name = f"重ね市社協{len(made)}"
            org.save()
            user = users[len(made) % len(users)]
            made.append(services.change_record(
                user=user, instance=org, operation="update", before=before,
                after=services.snapshot(org, ["name"]),
                organization_id=user.memberships.get().organization_id))

    client.force_login(city.auditor)
    assert_flat_queries(add, lambda: client.get("/audit/changes/"), label="GET /audit/changes/",
                        check=lambda r, n: all(f"重ね市社協{i}" in r.content.decode()
                                               for i in range(n)))
