import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from kasane.audit import services
from kasane.audit.models import AccessLog, Basis, ChangeRecord, ImmutableError


@pytest.fixture
def row(city) -> AccessLog:
    return services.access_log(user=city.recorder, action="view", basis=Basis.CONSENT,
                               object_type="person", object_id=1, person_id=1)


@pytest.mark.django_db
def test_it_records_who_what_and_basis(city, row) -> None:
    assert row.username == "recorder"
    assert row.municipality_id == city.municipality.pk
    assert row.basis == "consent"


@pytest.mark.django_db
def test_it_refuses_to_update_a_row(row) -> None:
    row.basis = Basis.OWN_RECORD
    with pytest.raises(ImmutableError):
        row.save()
    with pytest.raises(ImmutableError):
        AccessLog.objects.filter(pk=row.pk).update(basis=Basis.OWN_RECORD)
    assert AccessLog.objects.get(pk=row.pk).basis == Basis.CONSENT


@pytest.mark.django_db
def test_it_refuses_to_delete_a_row(row) -> None:
    with pytest.raises(ImmutableError):
        row.delete()
    with pytest.raises(ImmutableError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_it_refuses_raw_sql_changes_on_postgresql(row) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger guard exists on PostgreSQL (production) only")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accesslog SET basis='own_record'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslog")
    assert AccessLog.objects.get(pk=row.pk).basis == Basis.CONSENT


@pytest.mark.django_db
def test_it_refuses_an_unknown_basis(city) -> None:
    with pytest.raises(ValueError):
        services.access_log(user=city.recorder, action="view", basis="because")


@pytest.mark.django_db
def test_it_records_field_level_changes(city) -> None:
    org = city.orgs["shakyo"]
    before = services.snapshot(org, ["name"])
    org.name = "重ね市社協"
    rec = services.change_record(user=city.admin, instance=org, operation="update",
                                 before=before, after=services.snapshot(org, ["name"]))
    assert rec is not None and rec.changes == {"name": ["社協", "重ね市社協"]}
    assert services.change_record(user=city.admin, instance=org, operation="update",
                                  before=before, after=before) is None
    with pytest.raises(ImmutableError):
        ChangeRecord.objects.all().delete()
