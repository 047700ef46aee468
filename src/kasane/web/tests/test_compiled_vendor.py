"""``access.compiled.pk_filter`` precompiles on PostgreSQL only: SQLite's parser stack overflows
on the nested subqueries (a sheet export inside a policy query), so the demo builds each rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from kasane.access import compiled
from kasane.people.models import Person
from kasane.people.tests.factories import actor


@pytest.mark.django_db
def test_sqlite_builds_the_rule_and_postgresql_precompiles_it(city: Any) -> None:
    compiled.clear()
    found = compiled.pk_filter("test.persons", actor(city.recorder),
                               lambda at: Person.objects.all())
    if connection.vendor == "postgresql":
        assert found is not None and "IN (SELECT" in str(found(Person.objects.all()).query)
    else:
        assert found is None
    compiled.clear()
