"""``core.orm_speedups``: ``Col``'s direct identity is Django's own, value for value."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models.expressions import Col

from kasane.core import orm_speedups


def _columns(qs):
    compiler = qs.query.get_compiler(connection=connection)
    compiler.setup_query()
    return [expr for expr, _, _ in compiler.select if isinstance(expr, Col)]


# core imports no app (import-linter): Django's own models give the same query shapes
QUERIES = [
    lambda: Permission.objects.select_related("content_type").order_by("-codename"),
    lambda: Permission.objects.select_related("content_type").only("name",
                                                                   "content_type__model"),
    lambda: Session.objects.order_by("expire_date"),
    lambda: ContentType.objects.values("pk", "app_label"),
    lambda: Group.objects.prefetch_related("permissions").order_by("name"),
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
    field = Permission._meta.get_field("codename")
    keyword = Col("auth_permission", field, output_field=field)
    assert orm_speedups._col_identity(keyword) == orm_speedups._generic(keyword)

    class Sub(Col):
        pass

    sub = Sub("auth_permission", field)
    assert orm_speedups._col_identity(sub) == orm_speedups._generic(sub)
    assert orm_speedups._col_identity(sub) != orm_speedups._col_identity(
        Col("auth_permission", field))
