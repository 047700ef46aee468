"""Tamper-evident audit: hash-sealed batches of AccessLog / ChangeRecord rows, and their check.

Every stored field of a row is serialised canonically (JSON, sorted keys, datetimes ISO UTC)
and hashed; a seal holds the ids and row digests of a batch, the batch hash, and a chain hash
``sha256(previous chain hash + batch hash + metadata)``. Each chain head is also appended to a
file outside the database (``KASANE_AUDIT_SEAL_FILE``), so someone with database rights who
edits rows *and* recomputes the seals is still caught: the file disagrees.

Sealing never locks the audit tables: it reads committed rows (read committed) and seals only
ids it can be sure no in-flight transaction will still fill. Ids are taken at INSERT but seen
at COMMIT, so a lower id may appear after a higher one. A run therefore takes rows older than
``KASANE_AUDIT_SEAL_SETTLE_SECONDS`` and stops at the first gap in ids whose next row is younger
than ``KASANE_AUDIT_SEAL_GAP_MINUTES``: request transactions end long before that, so an older
gap is a rolled-back insert and is sealed over (its id is recorded as absent).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .models import AccessLog, AuditArchive, AuditSeal, ChangeRecord, SealTable

BATCH_SIZE = 10_000
DIGEST_CHARS = 32
TABLES: dict[str, type[AccessLog] | type[ChangeRecord]] = {
    SealTable.ACCESS_LOG: AccessLog,
    SealTable.CHANGE_RECORD: ChangeRecord,
}


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    return str(value)


def row_canonical(row: models.Model) -> str:
    """Every stored field of ``row`` as canonical JSON (sorted keys, datetimes ISO UTC)."""
    data = {field.attname: field.value_from_object(row) for field in row._meta.concrete_fields}
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=_json_default)


def row_digest(row: models.Model) -> str:
    return hashlib.sha256(row_canonical(row).encode()).hexdigest()[:DIGEST_CHARS]


def id_ranges(ids: list[int]) -> list[list[int]]:
    """Sorted ids as ``[[first, last], ...]`` runs."""
    ranges: list[list[int]] = []
    for row_id in ids:
        if ranges and ranges[-1][1] == row_id - 1:
            ranges[-1][1] = row_id
        else:
            ranges.append([row_id, row_id])
    return ranges


def batch_hash(table: str, ranges: list[list[int]], digests: str) -> str:
    text = json.dumps([table, ranges], separators=(",", ":")) + digests
    return hashlib.sha256(text.encode()).hexdigest()


def chain_hash(seal: AuditSeal) -> str:
    """sha256 of the previous chain hash, the batch hash and the seal's metadata."""
    meta = f"{seal.sequence}|{seal.table}|{seal.first_id}|{seal.last_id}|{seal.row_count}"
    text = f"{seal.previous_hash}{seal.batch_hash}{meta}"
    return hashlib.sha256(text.encode()).hexdigest()


def seal_file() -> Path:
    return Path(settings.KASANE_AUDIT_SEAL_FILE)


def _file_line(seal: AuditSeal) -> dict[str, Any]:
    return {"sequence": seal.sequence, "table": seal.table, "last_id": seal.last_id,
            "chain_hash": seal.chain_hash}


def _append_to_file(seal: AuditSeal, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(_file_line(seal), sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _sealable(rows: Sequence[models.Model], after_id: int, now: dt.datetime) -> list[models.Model]:
    """The prefix of ``rows`` (id order) that is safe to seal (module docstring)."""
    settle = now - dt.timedelta(seconds=settings.KASANE_AUDIT_SEAL_SETTLE_SECONDS)
    gap_age = now - dt.timedelta(minutes=settings.KASANE_AUDIT_SEAL_GAP_MINUTES)
    taken: list[models.Model] = []
    previous = after_id
    for row in rows:
        at: dt.datetime = row.at  # type: ignore[attr-defined]
        if at > settle:
            break
        if previous and row.pk != previous + 1 and at > gap_age:
            break
        taken.append(row)
        previous = row.pk
    return taken


def _seal_batch(table: str, now: dt.datetime, path: Path) -> AuditSeal | None:
    model = TABLES[table]
    last = AuditSeal.objects.filter(table=table).order_by("-sequence").first()
    after_id = last.last_id if last else 0
    candidates = list(model.objects.filter(pk__gt=after_id).order_by("pk")[:BATCH_SIZE])
    rows = _sealable(candidates, after_id, now)
    if not rows:
        return None
    head = AuditSeal.objects.order_by("-sequence").first()
    ranges = id_ranges([row.pk for row in rows])
    digests = "".join(row_digest(row) for row in rows)
    seal = AuditSeal(
        sequence=(head.sequence + 1) if head else 1, table=table, first_id=rows[0].pk,
        last_id=rows[-1].pk, row_count=len(rows), row_ids=ranges, row_digests=digests,
        batch_hash=batch_hash(table, ranges, digests),
        previous_hash=head.chain_hash if head else "", created_at=now)
    seal.chain_hash = chain_hash(seal)
    try:
        with transaction.atomic():
            seal.save()
    except IntegrityError:  # another sealer took this sequence number: let it go on
        return None
    _append_to_file(seal, path)
    return seal


def seal_pending(*, now: dt.datetime | None = None, path: Path | None = None) -> list[AuditSeal]:
    """Seal every safely sealable audit row not sealed yet; return the new seals."""
    now = now or timezone.now()
    path = path or seal_file()
    made: list[AuditSeal] = []
    for table in TABLES:
        while (seal := _seal_batch(table, now, path)) is not None:
            made.append(seal)
            if seal.row_count < BATCH_SIZE:
                break
    return made


@dataclass(frozen=True)
class Problem:
    """The first break found by ``verify``: which table/row (or seal) and what differs."""

    kind: str  # edited / deleted / inserted / seal_altered / file_mismatch
    table: str
    row_id: int | None
    sequence: int | None
    message: str


KIND_LABELS = {
    "edited": "改ざん（行の内容が変更されています）",
    "deleted": "削除（封印済みの行がありません）",
    "inserted": "挿入（封印後に行が追加されています）",
    "seal_altered": "封印の改変",
    "file_mismatch": "封印ファイルとデータベースの不一致",
}


def _problem(kind: str, seal: AuditSeal | None, row_id: int | None = None,
             table: str = "", detail: str = "") -> Problem:
    table = seal.table if seal else table
    where = f"{table} id={row_id}" if row_id is not None else table
    seq = seal.sequence if seal else None
    text = f"{KIND_LABELS[kind]}: {where}" + (f"（封印 #{seq}）" if seq else "")
    return Problem(kind, table, row_id, seq, text + (f" {detail}" if detail else ""))


def _read_file(path: Path) -> dict[int, dict[str, Any]]:
    lines: dict[int, dict[str, Any]] = {}
    if not path.exists():
        return lines
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            entry = json.loads(raw)
            lines[int(entry["sequence"])] = entry
    return lines


def _expand(ranges: list[list[int]]) -> list[int]:
    return [row_id for first, last in ranges for row_id in range(first, last + 1)]


class Archives:
    """Ids that left the database in archived partitions (``audit.partitions``), per table."""

    def __init__(self) -> None:
        ranges: dict[str, list[tuple[int, int]]] = {}
        for archive in AuditArchive.objects.order_by("pk"):
            ranges.setdefault(archive.table, []).extend((a, b) for a, b in archive.row_ids)
        self.starts = {t: [a for a, _ in sorted(r)] for t, r in ranges.items()}
        self.ends = {t: [b for _, b in sorted(r)] for t, r in ranges.items()}

    def holds(self, table: str, row_id: int) -> bool:
        starts = self.starts.get(table, [])
        at = bisect.bisect_right(starts, row_id) - 1
        return at >= 0 and row_id <= self.ends[table][at]


def _check_rows(seal: AuditSeal, after_id: int, archives: Archives) -> Problem | None:
    """Rows with ids after the table's previous seal up to this seal's last id match it; a
    sealed row that is gone is fine only when an archived partition held it."""
    model = TABLES[seal.table]
    rows = {row.pk: row for row in model.objects.filter(pk__gt=after_id, pk__lte=seal.last_id)}
    sealed_ids = _expand(seal.row_ids)
    for index, row_id in enumerate(sealed_ids):
        row = rows.pop(row_id, None)
        if row is None:
            if archives.holds(seal.table, row_id):
                continue
            return _problem("deleted", seal, row_id)
        expected = seal.row_digests[index * DIGEST_CHARS:(index + 1) * DIGEST_CHARS]
        if row_digest(row) != expected:
            return _problem("edited", seal, row_id)
    if rows:
        return _problem("inserted", seal, min(rows))
    return None


def _check_seal(seal: AuditSeal, previous: str, on_file: dict[str, Any] | None) -> Problem | None:
    ids = _expand(seal.row_ids)
    if (seal.previous_hash != previous or chain_hash(seal) != seal.chain_hash
            or batch_hash(seal.table, seal.row_ids, seal.row_digests) != seal.batch_hash
            or len(ids) != seal.row_count or len(seal.row_digests) != seal.row_count * DIGEST_CHARS
            or not ids or ids[0] != seal.first_id or ids[-1] != seal.last_id):
        return _problem("seal_altered", seal)
    if on_file is None or on_file.get("chain_hash") != seal.chain_hash \
            or on_file.get("table") != seal.table or on_file.get("last_id") != seal.last_id:
        return _problem("file_mismatch", seal, detail="（ファイルの記録と異なります）")
    return None


def verify(path: Path | None = None) -> Problem | None:
    """Recompute every seal and batch; return the first break, or None when intact. Rows of
    archived partitions (AuditArchive) are checked by the seal chain only: their digests stay
    in the seals, so a restored dump can be checked against them."""
    on_file = _read_file(path or seal_file())
    archives = Archives()
    previous = ""
    last_ids = {table: 0 for table in TABLES}
    for sequence, seal in enumerate(AuditSeal.objects.order_by("sequence").iterator(), start=1):
        if seal.sequence != sequence:
            return _problem("seal_altered", seal, detail=f"（封印 #{sequence} がありません）")
        problem = _check_seal(seal, previous, on_file.pop(seal.sequence, None))
        if problem is None and seal.first_id <= last_ids[seal.table]:
            problem = _problem("seal_altered", seal, detail="（封印の範囲が重なっています）")
        problem = problem or _check_rows(seal, last_ids[seal.table], archives)
        if problem:
            return problem
        previous, last_ids[seal.table] = seal.chain_hash, seal.last_id
    if on_file:
        missing = min(on_file)
        return Problem("file_mismatch", str(on_file[missing].get("table", "")), None, missing,
                       f"{KIND_LABELS['file_mismatch']}: 封印 #{missing} がデータベースにありません")
    return None
