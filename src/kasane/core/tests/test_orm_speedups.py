"""``core.orm_speedups``: ``Col``'s direct identity is Django's own, value for value."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models.expressions import Col

from kasane.cases.models import Case, CaseEvent, CaseSubject
from kasane.core import orm_speedups
from kasane.people.models import Person


def _columns(qs):
    compiler = qs.query.get_compiler(connection=connection)
    compiler.setup_query()
    return [expr for expr, _, _ in compiler.select if isinstance(expr, Col)]


QUERIES = [
    lambda: CaseEvent.objects.select_related("user", "organization", "contact", "referral",
                                             "plan").order_by("-at"),
    lambda: CaseSubject.objects.select_related("person", "person__created_by_org", "case"),
    lambda: Case.objects.select_related("lead_org", "lead_user").only("status", "lead_org__name",
                                                                "lead_user__username"),
    lambda: Person.objects.values("pk", "family_name"),
]


def test_it_is_installed_on_this_django() -> None:
    """A Django whose ``Col`` takes other arguments makes ``install`` refuse: this test then
    says the shortcut no longer applies (and the profile's 5 % is back)."""
    assert orm_speedups.install() is True
    assert Col.__dict__["identity"].func is orm_speedups._col_identity


@pytest.mark.parametrize("build", QUERIES)
def test_every_column_of_real_queries_has_djangos_identity(build) -> None:
    columns = _columns(build())
    assert len(columns) >= 2
    for col in columns:
        assert orm_speedups._col_identity(col) == orm_speedups._generic(col)
        assert hash(col) == hash(orm_speedups._generic(col))


def test_other_calls_take_djangos_path() -> None:
    field = Person._meta.get_field("family_name")
    keyword = Col("people_person", field, output_field=field)
    assert orm_speedups._col_identity(keyword) == orm_speedups._generic(keyword)

    class Sub(Col):
        pass

    sub = Sub("people_person", field)
    assert orm_speedups._col_identity(sub) == orm_speedups._generic(sub)
    assert orm_speedups._col_identity(sub) != orm_speedups._col_identity(Col("people_person", field))
