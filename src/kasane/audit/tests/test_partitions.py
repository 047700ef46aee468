"""audit.partitions: the access log partitioned by month on PostgreSQL — every partition
append-only, months created ahead (rows stranded in the default partition move), whole sealed
months detached to a pg_dump file while verify_audit stays intact."""

import datetime as dt
import hashlib
import io
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kasane.audit import partitions, sealing
from kasane.audit.models import AccessLog, AuditArchive
from kasane.core import bulk

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _rows(at: dt.datetime, count: int, person_id: int = 7) -> list[int]:
    rows = [{"at": at + dt.timedelta(minutes=n), "action": "person.view", "basis": "consent",
             "person_id": person_id, "object_type": "people.Person", "object_id": str(n)}
            for n in range(count)]
    return bulk.insert_rows(AccessLog, rows, returning_ids=True)


def _where(row_id: int) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT tableoid::regclass::text FROM audit_accesslog WHERE id = %s", [row_id])
        return cur.fetchone()[0]


@pytest.mark.django_db
def test_every_partition_carries_the_append_only_trigger() -> None:
    assert partitions.is_partitioned()
    parts = partitions.partitions()
    this_month = partitions.month_start(timezone.now())
    assert partitions.partition_name(this_month) in {p.name for p in parts}
    assert parts[-1].name == partitions.DEFAULT and parts[-1].month is None
    with connection.cursor() as cur:
        cur.execute("SELECT tgrelid::regclass::text FROM pg_trigger "
                    "WHERE tgname = 'audit_accesslog_append_only_row'")
        guarded = {row[0] for row in cur.fetchall()}
    assert {p.name for p in parts} <= guarded
    row_id = _rows(timezone.now(), 1)[0]
    for sql in (f"UPDATE {_where(row_id)} SET detail = 'x'", f"DELETE FROM {_where(row_id)}"):
        with pytest.raises(DatabaseError, match="追記のみ"), transaction.atomic(), \
                connection.cursor() as cur:
            cur.execute(sql)


@pytest.mark.django_db
def test_a_new_month_takes_the_rows_that_fell_into_the_default_partition() -> None:
    far = dt.datetime(2031, 5, 10, tzinfo=dt.UTC)
    ids = _rows(far, 2)
    assert _where(ids[0]) == partitions.DEFAULT
    assert partitions.create_partition(far.date()) is True
    assert {_where(i) for i in ids} == {"audit_accesslog_p2031_05"}
    assert partitions.create_partition(far.date()) is False
    assert AccessLog.objects.filter(pk__in=ids).count() == 2


@pytest.mark.django_db
def test_ensure_ahead_creates_the_coming_months_once() -> None:
    now = dt.datetime(2032, 11, 3, tzinfo=dt.UTC)
    made = partitions.ensure_ahead(2, now=now)
    assert made == ["audit_accesslog_p2032_11", "audit_accesslog_p2032_12",
                    "audit_accesslog_p2033_01"]
    assert partitions.ensure_ahead(2, now=now) == []


@pytest.fixture
def sealed_old_month(settings, tmp_path):
    settings.KASANE_AUDIT_SEAL_FILE = tmp_path / "seals.jsonl"
    settings.KASANE_AUDIT_SEAL_SETTLE_SECONDS = 0
    partitions.create_partition(dt.date(2020, 1, 1))
    old = _rows(dt.datetime(2020, 1, 15, tzinfo=dt.UTC), 3)
    recent = _rows(timezone.now() - dt.timedelta(minutes=5), 2)
    seals = sealing.seal_pending()
    assert seals and seals[-1].last_id == recent[-1]  # one chain over both partitions
    return old, recent


@pytest.mark.django_db(transaction=True)
def test_a_sealed_month_is_dumped_recorded_and_dropped(sealed_old_month, tmp_path) -> None:
    old, recent = sealed_old_month
    done = partitions.detach_before(dt.date(2020, 2, 1), tmp_path / "archive")
    assert [(d.partition, d.rows) for d in done] == [("audit_accesslog_p2020_01", 3)]
    dump = done[0].path
    assert dump.stat().st_size > 0
    assert hashlib.sha256(dump.read_bytes()).hexdigest() == done[0].sha256
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True,
                             text=True, check=True).stdout
    assert "TABLE DATA public audit_accesslog_p2020_01" in listing
    archive = AuditArchive.objects.get()
    assert archive.row_ids == [[old[0], old[-1]]] and archive.sha256 == done[0].sha256
    assert "audit_accesslog_p2020_01" not in {p.name for p in partitions.partitions()}
    assert not AccessLog.objects.filter(pk__in=old).exists()
    assert AccessLog.objects.filter(pk__in=recent).count() == 2
    assert sealing.verify() is None  # archived, not deleted


@pytest.mark.django_db(transaction=True)
def test_an_unsealed_month_is_refused_and_stays(settings, tmp_path) -> None:
    partitions.create_partition(dt.date(2020, 3, 1))
    ids = _rows(dt.datetime(2020, 3, 2, tzinfo=dt.UTC), 1)
    with pytest.raises(partitions.PartitionError, match="封印前"):
        partitions.detach_before(dt.date(2020, 4, 1), tmp_path)
    assert _where(ids[0]) == "audit_accesslog_p2020_03"
    assert not AuditArchive.objects.exists()


@pytest.mark.django_db
def test_the_command_lists_creates_and_asks_for_detach_arguments() -> None:
    out = io.StringIO()
    call_command("audit_partitions", "list", stdout=out)
    assert partitions.DEFAULT in out.getvalue() and "既定" in out.getvalue()
    out = io.StringIO()
    call_command("audit_partitions", "create", "--months", "1", stdout=out)
    assert out.getvalue().startswith("作成しました")
    with pytest.raises(CommandError, match="--before"):
        call_command("audit_partitions", "detach")
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("audit_partitions", "detach", "--before", "2020/01", "--archive", "/tmp/x")
