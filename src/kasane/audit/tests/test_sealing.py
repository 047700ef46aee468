"""audit.sealing: hash-sealed batches of audit rows, and verify naming the first broken row."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from kasane.audit import sealing
from kasane.audit.models import AccessLog, AuditSeal, ChangeRecord

LATER = dt.timedelta(hours=1)


@pytest.fixture
def seal_path(settings, tmp_path):
    settings.KASANE_AUDIT_SEAL_FILE = tmp_path / "seals.jsonl"
    return settings.KASANE_AUDIT_SEAL_FILE


def _logs(count: int) -> list[AccessLog]:
    return [AccessLog.objects.create(action="view", basis="consent", object_type="person",
                                     object_id=str(n), person_id=n, detail=f"行{n}")
            for n in range(count)]


def _as_attacker(sql: str, params: list) -> None:
    """Raw SQL by someone with database rights (PostgreSQL append-only triggers switched off)."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for table in ("audit_accesslog", "audit_changerecord"):
            if postgres:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        for table in ("audit_accesslog", "audit_changerecord"):
            if postgres:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _seal() -> list[AuditSeal]:
    return sealing.seal_pending(now=timezone.now() + LATER)


@pytest.mark.django_db
def test_it_seals_both_tables_in_one_chain_and_appends_each_head_to_the_file(seal_path) -> None:
    logs = _logs(3)
    change = ChangeRecord.objects.create(model="people.Person", object_id="1", operation="update",
                                         changes={"氏名": ["甲", "乙"]})
    seals = _seal()
    assert [(s.sequence, s.table, s.first_id, s.last_id, s.row_count) for s in seals] == [
        (1, "access_log", logs[0].pk, logs[-1].pk, 3),
        (2, "change_record", change.pk, change.pk, 1)]
    assert seals[1].previous_hash == seals[0].chain_hash
    lines = [json.loads(line) for line in seal_path.read_text().splitlines()]
    assert [line["chain_hash"] for line in lines] == [s.chain_hash for s in seals]
    assert _seal() == []  # nothing new
    new = _logs(1)
    assert [(s.sequence, s.first_id) for s in _seal()] == [(3, new[0].pk)]
    assert sealing.verify() is None


@pytest.mark.django_db
def test_it_leaves_rows_younger_than_the_settle_time(seal_path) -> None:
    _logs(2)
    assert sealing.seal_pending(now=timezone.now()) == []
    assert not seal_path.exists()


@pytest.mark.django_db
def test_it_stops_at_a_young_gap_and_seals_over_an_old_one(seal_path) -> None:
    logs = _logs(3)
    _as_attacker("DELETE FROM audit_accesslog WHERE id = %s", [logs[1].pk])  # a rolled-back insert
    young = sealing.seal_pending(now=timezone.now() + dt.timedelta(minutes=1))
    assert [(s.first_id, s.last_id) for s in young] == [(logs[0].pk, logs[0].pk)]
    old = _seal()
    assert [(s.first_id, s.last_id, s.row_count, s.row_ids) for s in old] == [
        (logs[2].pk, logs[2].pk, 1, [[logs[2].pk, logs[2].pk]])]
    assert sealing.verify() is None


@pytest.mark.django_db
def test_an_edited_row_is_named(seal_path) -> None:
    logs = _logs(4)
    _seal()
    _as_attacker("UPDATE audit_accesslog SET detail = %s WHERE id = %s", ["書き換え", logs[2].pk])
    problem = sealing.verify()
    assert problem is not None
    assert (problem.kind, problem.table, problem.row_id) == ("edited", "access_log", logs[2].pk)
    assert f"id={logs[2].pk}" in problem.message


@pytest.mark.django_db
def test_a_deleted_row_is_named(seal_path) -> None:
    logs = _logs(4)
    ChangeRecord.objects.create(model="people.Person", object_id="1", operation="create")
    _seal()
    _as_attacker("DELETE FROM audit_accesslog WHERE id = %s", [logs[1].pk])
    problem = sealing.verify()
    assert problem is not None
    assert (problem.kind, problem.row_id) == ("deleted", logs[1].pk)


@pytest.mark.django_db
def test_an_edited_change_record_is_named(seal_path) -> None:
    change = ChangeRecord.objects.create(model="people.Person", object_id="1", operation="update",
                                         changes={"住所": ["A", "B"]})
    _seal()
    _as_attacker("UPDATE audit_changerecord SET changes = %s WHERE id = %s",
                 [json.dumps({"住所": ["A", "C"]}), change.pk])
    problem = sealing.verify()
    assert problem is not None
    assert (problem.kind, problem.table, problem.row_id) == ("edited", "change_record", change.pk)


@pytest.mark.django_db
def test_a_row_slipped_into_a_sealed_range_is_named(seal_path) -> None:
    logs = _logs(3)
    _as_attacker("DELETE FROM audit_accesslog WHERE id = %s", [logs[1].pk])
    _seal()  # the old gap is sealed over
    _as_attacker("INSERT INTO audit_accesslog (id, at, username, action, object_type, object_id, "
                 "basis, detail, request_id) VALUES (%s, %s, '', 'view', '', '', 'consent', '', '')",
                 [logs[1].pk, timezone.now()])
    problem = sealing.verify()
    assert problem is not None
    assert (problem.kind, problem.row_id) == ("inserted", logs[1].pk)


@pytest.mark.django_db
def test_an_altered_seal_is_caught_even_when_the_chain_is_recomputed(seal_path) -> None:
    logs = _logs(3)
    _seal()
    ChangeRecord.objects.create(model="people.Person", object_id="1", operation="create")
    _seal()
    _as_attacker("UPDATE audit_accesslog SET detail = %s WHERE id = %s", ["書き換え", logs[0].pk])
    # the attacker re-seals the edited row and recomputes the whole chain in the database
    previous = ""
    for seal in AuditSeal.objects.order_by("sequence"):
        rows = list(AccessLog.objects.filter(pk__gte=seal.first_id, pk__lte=seal.last_id)
                    .order_by("pk")) if seal.table == "access_log" else list(
            ChangeRecord.objects.filter(pk__gte=seal.first_id, pk__lte=seal.last_id).order_by("pk"))
        seal.row_digests = "".join(sealing.row_digest(row) for row in rows)
        seal.batch_hash = sealing.batch_hash(seal.table, seal.row_ids, seal.row_digests)
        seal.previous_hash = previous
        seal.chain_hash = sealing.chain_hash(seal)
        seal.save()
        previous = seal.chain_hash
    problem = sealing.verify()
    assert problem is not None
    assert (problem.kind, problem.sequence) == ("file_mismatch", 1)


@pytest.mark.django_db
def test_a_seal_edited_without_recomputing_is_caught(seal_path) -> None:
    _logs(2)
    _seal()
    AuditSeal.objects.filter(sequence=1).update(row_count=1)
    problem = sealing.verify()
    assert problem is not None
    assert (problem.kind, problem.sequence) == ("seal_altered", 1)


@pytest.mark.django_db
def test_a_deleted_seal_is_caught(seal_path) -> None:
    _logs(2)
    _seal()
    _logs(1)
    _seal()
    AuditSeal.objects.filter(sequence=2).delete()
    problem = sealing.verify()
    assert problem is not None
    assert (problem.kind, problem.sequence) == ("file_mismatch", 2)


@pytest.mark.django_db
def test_the_background_task_seals(settings, seal_path) -> None:
    from kasane.audit.tasks import seal_audit

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KASANE_AUDIT_SEAL_SETTLE_SECONDS = 0
    _logs(2)
    result = seal_audit.enqueue()
    assert result.return_value == 1
    assert AuditSeal.objects.get().row_count == 2
    assert sealing.verify() is None
