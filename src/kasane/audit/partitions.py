"""AccessLog partitioned by month on PostgreSQL: create ahead, list, detach + archive.

Layout (migration 0004): ``audit_accesslog`` is a range-partitioned table on ``at`` with one
partition a month, ``audit_accesslog_pYYYY_MM`` ([first day of the month, first day of the
next) in UTC), and a DEFAULT partition ``audit_accesslog_pdefault`` so that an insert never
fails when nobody created a month in time. The primary key is ``(id, at)`` (PostgreSQL needs
the partition key in every unique constraint); Django still sees ``id`` as the key, and the
ids stay unique because one sequence (``audit_accesslog_id_seq``) draws them all.

Immutability: the append-only trigger function guards the parent (statement trigger) and a
``FOR EACH ROW`` trigger on the parent that PostgreSQL clones onto every partition, present
and future — an UPDATE/DELETE aimed at a partition directly is refused too.

Retention: audit rows never leave one by one; a whole month leaves with ``detach_before``:
the partition is detached, written with ``pg_dump`` (custom format) to the archive folder,
recorded as an :class:`~kasane.audit.models.AuditArchive` (file, sha256, the ids it held)
and dropped. A month can leave only when every row in it is sealed, and ``verify_audit``
then treats its ids as archived rather than deleted. SQLite (demo) is not partitioned: every
function here is a no-op or refuses there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

PARENT = "audit_accesslog"
DEFAULT = f"{PARENT}_pdefault"
AHEAD_MONTHS = 3
_NAME = re.compile(rf"^{PARENT}_p(\d{{4}})_(\d{{2}})$")


class PartitionError(Exception):
    """A partition operation that cannot be done (not sealed yet, not PostgreSQL, pg_dump…)."""


@dataclass(frozen=True)
class Partition:
    name: str
    month: dt.date | None  # None for the default partition
    rows: int  # planner estimate (reltuples), -1 when never analysed
    bytes: int


def month_start(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = (value.astimezone(dt.UTC) if timezone.is_aware(value) else value).date()
    return value.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition_name(month: dt.date) -> str:
    return f"{PARENT}_p{month:%Y_%m}"


def parse_month(text: str) -> dt.date:
    """``YYYY-MM`` → the first day of that month (ValueError with a Japanese message)."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise ValueError(f"年月は YYYY-MM の形で指定してください: {text!r}") from None


def is_partitioned() -> bool:
    """Whether ``audit_accesslog`` is a partitioned table (PostgreSQL after migration 0004)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)",
                    [PARENT])
        return cur.fetchone() is not None


def partitions() -> list[Partition]:
    """Every partition of the access log, months in order, the default partition last."""
    if not is_partitioned():
        return []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid) "
            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)", [PARENT])
        found = cur.fetchall()
    out = []
    for name, rows, size in found:
        match = _NAME.match(name)
        month = dt.date(int(match[1]), int(match[2]), 1) if match else None
        out.append(Partition(name, month, int(rows), int(size)))
    return sorted(out, key=lambda p: (p.month is None, p.month or dt.date.min))


def _bounds(month: dt.date) -> tuple[str, str]:
    return f"{month:%Y-%m-%d} 00:00:00+00", f"{next_month(month):%Y-%m-%d} 00:00:00+00"


def create_partition(month: dt.date) -> bool:
    """Create the partition of ``month`` (False when it exists). Rows that already fell into
    the default partition for that month are moved into it in the same transaction (the
    default is swapped for a fresh one and its rows re-inserted: no UPDATE/DELETE, which
    the append-only trigger refuses)."""
    if not is_partitioned():
        raise PartitionError("アクセスログはパーティション化されていません（PostgreSQL のみ）。")
    month = month_start(month)
    name = partition_name(month)
    low, high = _bounds(month)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [PARENT])
        cur.execute("SELECT to_regclass(%s)", [name])
        if cur.fetchone()[0] is not None:
            return False
        cur.execute(f"SELECT EXISTS (SELECT 1 FROM {DEFAULT} WHERE at >= %s AND at < %s)",  # noqa: S608
                    [low, high])
        stranded = cur.fetchone()[0]
        if stranded:
            cur.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {DEFAULT}")
            cur.execute(f"ALTER TABLE {DEFAULT} RENAME TO {DEFAULT}_old")
        cur.execute(f"CREATE TABLE {name} PARTITION OF {PARENT} "
                    f"FOR VALUES FROM ('{low}') TO ('{high}')")
        if stranded:
            cur.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {PARENT} DEFAULT")
            cur.execute(f"INSERT INTO {PARENT} SELECT * FROM {DEFAULT}_old")  # noqa: S608
            cur.execute(f"DROP TABLE {DEFAULT}_old")
    return True


def ensure_ahead(months: int = AHEAD_MONTHS, *, now: dt.datetime | None = None) -> list[str]:
    """Create the partitions of this month and the next ``months`` that are missing; return
    the names created. Run by ``./kasane audit_partitions create`` and by every
    ``seal_audit`` run (cron, every few minutes), so the default partition stays empty."""
    if not is_partitioned():
        return []
    month = month_start(now or timezone.now())
    made = []
    for _ in range(months + 1):
        if create_partition(month):
            made.append(partition_name(month))
        month = next_month(month)
    return made


@dataclass(frozen=True)
class Archived:
    partition: str
    path: Path
    rows: int
    sha256: str


def _pg_dump(table: str, path: Path) -> None:
    db = connection.settings_dict
    cmd = ["pg_dump", "--format=custom", "--no-owner", f"--table=public.{table}",
           f"--file={path}", "--dbname", str(db["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            cmd += [flag, str(db[key])]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise PartitionError(f"pg_dump に失敗しました: {done.stderr.strip()[:300]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _partition_ids(name: str) -> list[int]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT id FROM {name} ORDER BY id")  # noqa: S608 - our own partition name
        return [row[0] for row in cur.fetchall()]


def _last_sealed_id() -> int:
    from .models import AuditSeal, SealTable

    last = AuditSeal.objects.filter(table=SealTable.ACCESS_LOG).order_by("-sequence").first()
    return last.last_id if last else 0


def detach_before(month: dt.date, archive_dir: Path) -> list[Archived]:
    """Archive and drop every monthly partition that ends on or before ``month`` (its first
    day): detach, ``pg_dump`` to ``archive_dir/<partition>.dump``, record an AuditArchive
    (ids, sha256), drop. Refuses (PartitionError) a partition holding a row not sealed yet;
    a failed dump re-attaches the partition and raises."""
    from .models import AuditArchive, SealTable
    from .sealing import id_ranges

    if not is_partitioned():
        raise PartitionError("アクセスログはパーティション化されていません（PostgreSQL のみ）。")
    archive_dir.mkdir(parents=True, exist_ok=True)
    limit = month_start(month)
    done: list[Archived] = []
    for part in partitions():
        if part.month is None or next_month(part.month) > limit:
            continue
        ids = _partition_ids(part.name)
        if ids and ids[-1] > _last_sealed_id():
            raise PartitionError(f"{part.name} に封印前の行があります。先に ./kasane seal_audit "
                                 "を実行してください。")
        low, high = _bounds(part.month)
        path = archive_dir / f"{part.name}.dump"
        with connection.cursor() as cur:
            cur.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {part.name}")
        try:
            _pg_dump(part.name, path)
        except Exception:
            with connection.cursor() as cur:
                cur.execute(f"ALTER TABLE {PARENT} ATTACH PARTITION {part.name} "
                            f"FOR VALUES FROM ('{low}') TO ('{high}')")
            raise
        sha = _sha256(path)
        with transaction.atomic():
            AuditArchive.objects.create(
                table=SealTable.ACCESS_LOG, partition=part.name, month=part.month,
                row_count=len(ids), row_ids=id_ranges(ids), file=str(path), sha256=sha,
                size_bytes=path.stat().st_size)
            with connection.cursor() as cur:
                cur.execute(f"DROP TABLE {part.name}")
        done.append(Archived(part.name, path, len(ids), sha))
    return done
