"""``access_log_many`` / ``change_record_many``: the rows the bulk path (COPY on PostgreSQL,
executemany on SQLite — ``kasane.core.bulk``) writes carry the same content as one by one."""

import pytest

from kasane.audit import services
from kasane.audit.models import AccessLog, Basis, ChangeRecord


@pytest.mark.django_db
def test_access_log_many_writes_one_full_row_an_entry(city) -> None:
    count = services.access_log_many(
        user=city.recorder, action="person.create", detail="帳票の取り込み #1",
        entries=[("people.Person", 7, 7, Basis.OWN_RECORD), ("people.Person", 8, 8, Basis.CONSENT)])
    rows = list(AccessLog.objects.order_by("pk"))
    assert count == 2
    assert [(r.object_id, r.person_id, r.basis) for r in rows] == [
        ("7", 7, "own_record"), ("8", 8, "consent")]
    assert {(r.username, r.municipality_id, r.action, r.detail) for r in rows} == {
        ("recorder", city.municipality.pk, "person.create", "帳票の取り込み #1")}
    assert all(r.at is not None for r in rows)


@pytest.mark.django_db
def test_change_record_many_records_the_given_values(city) -> None:
    from kasane.accounts.models import Organization

    orgs = list(Organization.objects.order_by("pk")[:2])
    services.change_record_many(user=city.recorder, instances=orgs, reason="取り込み",
                                fields=[{"name": "甲", "note": ""}, {"name": "乙"}])
    rows = list(ChangeRecord.objects.filter(reason="取り込み").order_by("pk"))
    assert [(r.object_id, r.operation, r.changes) for r in rows] == [
        (str(orgs[0].pk), "create", {"name": [None, "甲"]}),
        (str(orgs[1].pk), "create", {"name": [None, "乙"]})]
    assert all(r.model == "accounts.Organization" and r.at is not None for r in rows)


@pytest.mark.django_db
@pytest.mark.parametrize("entries", [
    [("people.Person", 7, 7, Basis.OWN_RECORD)],  # one row: every column the same
    [("people.Person", 7, 7, Basis.OWN_RECORD)] * 3,  # identical rows
    [("people.Person", 7, 7, Basis.OWN_RECORD), ("people.Person", 8, None, Basis.CONSENT),
     ("people.Household", 9, 7, Basis.CONSENT)],  # varying columns, a NULL among them
])
def test_access_log_many_writes_constant_and_varying_columns_alike(city, entries) -> None:
    """A page of rows goes in as one INSERT with the columns that are the same in every row
    sent once: the rows read back as given, whatever varies."""
    services.access_log_many(user=city.recorder, action="person.search", detail="q=x",
                             entries=entries, organization_id=city.orgs["shougai"].pk)
    rows = list(AccessLog.objects.order_by("pk"))
    assert [(r.object_type, r.object_id, r.person_id, r.basis) for r in rows] == [
        (t, str(i), p, b) for t, i, p, b in entries]
    assert {(r.username, r.action, r.detail, r.organization_id) for r in rows} == {
        ("recorder", "person.search", "q=x", city.orgs["shougai"].pk)}
    assert len({r.at for r in rows}) == 1
