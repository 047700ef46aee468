"""CSV / Excel import: encoding detection, streaming rows, dry-run check, all-or-nothing commit.

The original file stays under MEDIA_ROOT (``SheetImport.file``) for the audit trail. Rows are
streamed (never all held as objects): the check pass validates every row and keeps only the
errors, a short preview and the valid rows as canonical JSON lines in a staging file; the
commit pass inserts those in batches (bulk_create) inside one transaction, so an import with a bad row commits nothing unless the user chose to skip the
listed rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kasane.access import policy
from kasane.accounts.models import Actor, Membership
from kasane.audit.models import Basis
from kasane.audit.services import access_log
from kasane.core import messages
from kasane.core.tabular import ImportFileError, data_rows, detect_encoding, read_headers
from kasane.core.wareki import WarekiError, parse_date
from kasane.people import services as people_services

from . import bindings, codec, links, person_binding, presets, selectors
from . import policy as sheet_policy
from . import schema as sheet_schema
from .events import IMPORT_FINISHED
from .models import ImportStatus, RecordStatus, SheetImport, SheetRecord
from .validation import Refs, date_message, named, validate

BATCH = 1000
# Up to this many rows, each new person is matched at once (名寄せ candidates right away); a
# larger import stores the keys and queues one batch run of the municipality.
INCREMENTAL_MATCH_MAX = 2000
INSERT_BATCH = 2000
MAX_LISTED_ERRORS = 500
PREVIEW_ROWS = 10
MAX_UPLOAD = 100 * 1024 * 1024
# How the system columns are named in a row's errors (「12行目 記入日: …」).
SYSTEM_LABELS = {"_written_on": "記入日", "_tags": "事業", "_person_id": "本人ID"}


def iter_rows(job: SheetImport) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every data row of the job's file after the header."""
    with job.file.open("rb") as stream:
        yield from data_rows(stream, job.file_kind, job.encoding)



def import_create(*, actor: Actor | None, code: str, upload: UploadedFile) -> SheetImport:
    """Keep the uploaded file, detect its kind and encoding, read the header, auto-map columns."""
    actor = sheet_policy.require_write(actor, code)
    if actor.role not in {"coordinator", "promoter", "caseworker", "supporter"}:
        raise PermissionDenied("取り込みは相談員・推進員だけが行えます。")
    definition = selectors.definition_current(municipality_id=actor.organization.municipality_id,
                                              code=code)
    name = upload.name or "upload"
    kind = "xlsx" if name.lower().endswith((".xlsx", ".xlsm")) else "csv"
    if not name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
        raise ValidationError({"file": ["CSV（.csv）または Excel（.xlsx）を選んでください。"]})
    if upload.size and upload.size > MAX_UPLOAD:
        raise ValidationError({"file": ["ファイルが大きすぎます（100MB まで）。"]})
    stream = upload.file
    if stream is None:
        raise ValidationError({"file": ["ファイルを選んでください。"]})
    try:
        encoding = "" if kind == "xlsx" else detect_encoding(stream)
        headers = read_headers(stream, kind, encoding)
    except ImportFileError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    stream.seek(0)
    mapping, preset = presets.initial_mapping(
        municipality_id=actor.organization.municipality_id, code=code, headers=headers,
        schema=definition.schema)
    with transaction.atomic():
        job = SheetImport(
            municipality_id=actor.organization.municipality_id, organization_id=actor.organization_id,
            created_by_id=actor.user_id, definition=definition, original_name=name[:255],
            file_kind=kind, encoding=encoding, headers=headers, mapping=mapping, preset=preset)
        job.file.save(name, upload, save=False)
        job.save()
        access_log(user=actor.user, action="sheet_import_upload", basis=Basis.OWN_RECORD,
                   organization_id=actor.organization_id, object_type="sheet_import",
                   object_id=job.pk, detail=name[:200])
    return job


def import_set_mapping(*, actor: Actor | None, job: SheetImport, mapping: dict[str, str],
                       skip_invalid: bool | None = None) -> SheetImport:
    """Set the column mapping (checked); it is also saved for the municipality by header
    names, so the next file with the same headers maps itself (``presets``)."""
    actor = sheet_policy.require_import_owner(actor, job)
    cols = codec.columns(job.definition.schema)
    valid_paths = {c.path for c in cols if codec.importable(c)}
    file_paths = {c.path for c in cols if c.field is not None and not codec.importable(c)}
    clean: dict[str, str] = {}
    errors = []
    for index, path in mapping.items():
        if not path:
            continue
        if path in file_paths:
            errors.append(f"列「{job.headers[int(index)]}」は添付ファイルです。ファイルは取り込めません"
                          "（出力にはファイル名だけが入ります）。")
        elif path not in valid_paths:
            errors.append(f"列「{job.headers[int(index)]}」の対応先が正しくありません。")
        elif path in clean.values():
            errors.append(f"「{path}」に2つ以上の列が対応づけられています。")
        clean[index] = path
    if errors:
        raise ValidationError({"mapping": errors})
    if not clean:
        raise ValidationError({"mapping": ["1つ以上の列を対応づけてください。"]})
    job.mapping = clean
    if skip_invalid is not None:
        job.skip_invalid = skip_invalid
    job.status = ImportStatus.UPLOADED
    job.save(update_fields=["mapping", "skip_invalid", "status"])
    assert actor is not None
    presets.mapping_save(actor=actor, code=job.definition.code, headers=job.headers, mapping=clean)
    return job


def import_check_start(*, actor: Actor | None, job: SheetImport, mapping: dict[str, str],
                       skip_invalid: bool) -> SheetImport:
    """Set the column mapping (``import_set_mapping``; ValidationError at the mapping) and
    queue the dry run (``tasks.import_check``)."""
    from . import tasks

    job = import_set_mapping(actor=actor, job=job, mapping=mapping, skip_invalid=skip_invalid)
    _set_status(job, ImportStatus.CHECKING)
    tasks.import_check.enqueue(job.pk)
    return job


def import_commit_start(*, actor: Actor | None, job: SheetImport,
                        skip_invalid: bool) -> SheetImport:
    """Queue the commit of a checked import (``tasks.import_commit``). ValidationError (one
    Japanese message) when the dry run has not finished, or when rows have errors and
    ``skip_invalid`` is off."""
    from . import tasks

    sheet_policy.require_import_owner(actor, job)
    if job.status != ImportStatus.CHECKED:
        raise ValidationError("先に内容の確認（ドライラン）を行ってください。")
    if job.row_errors and not skip_invalid:
        raise ValidationError("エラーのある行があるため取り込めません。ファイルを直して取り込み直すか、"
                              "「エラー行を除いて取り込む」を選んでください。")
    job.skip_invalid = skip_invalid
    _set_status(job, ImportStatus.COMMITTING, "skip_invalid")
    tasks.import_commit.enqueue(job.pk)
    return job


def _set_status(job: SheetImport, status: str, *fields: str) -> None:
    job.status = status
    SheetImport.objects.filter(pk=job.pk).update(
        status=status, **{name: getattr(job, name) for name in fields})


def _system_values(system: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "_written_on" in system:
        try:  # a LoGoフォーム 回答日時 「2026/11/20 10:00:00」: its date
            out["written_on"] = parse_date(system["_written_on"].split()[0])
        except WarekiError as exc:
            errors["_written_on"] = date_message(exc)
    if "_tags" in system:
        tags = [t.strip() for t in system["_tags"].split(";") if t.strip()]
        if set(tags) - set(sheet_schema.TAGS):
            errors["_tags"] = messages.INVALID_CHOICE
        out["tags"] = tags
    if "_person_id" in system:
        if system["_person_id"].isdigit():
            out["person_id"] = int(system["_person_id"])
        else:
            errors["_person_id"] = messages.INVALID_NUMBER
    return out


def job_actor(job: SheetImport) -> Actor | None:
    """The membership the import acts as: its requester's in the importing organization."""
    return Membership.objects.filter(user_id=job.created_by_id, organization_id=job.organization_id,
                                     is_active=True).select_related("organization", "user").first()


def checked_rows(job: SheetImport, refs: Refs) -> Iterator[tuple[int, dict[str, Any], dict[str, Any], dict[str, str]]]:
    """(line, canonical answers, system values, errors) for every row."""
    schema = job.definition.schema
    today = timezone.localdate()
    visible: dict[int, bool] = {}
    actor = job_actor(job)
    plan = codec.mapping_plan(job.mapping)
    multi = presets.multi_paths(schema) if job.preset else set()
    person_key = person_binding.person_key(job.definition)
    for number, cells in iter_rows(job):
        raw, system = codec.row_answers(cells, plan)
        for key in multi & raw.keys():
            if isinstance(raw[key], str):
                raw[key] = presets.logo_cell(raw[key])
        result = validate(schema, raw, submit=True, today=today, refs=refs)
        errors = dict(result.errors)
        values = _system_values(system, errors)
        if person_key and "person_id" not in values and not errors:
            errors.update(person_binding.import_person_errors(result.answers, person_key))
        pid = values.get("person_id")
        if pid is not None:
            if pid not in visible:  # the same rule as the API: invisible == nonexistent
                visible[pid] = policy.person_basis(actor, pid) is not None
            if not visible[pid]:
                errors["_person_id"] = "この本人IDは存在しないか、参照する根拠がありません。"
        yield number, result.answers, values, errors


def staged_path(job: SheetImport) -> Path:
    """Valid rows of the check pass, canonical, one JSON line each (the commit reads these)."""
    return Path(settings.MEDIA_ROOT) / "sheet-imports" / "staged" / f"{job.pk}.jsonl"


def _progress(job: SheetImport, **fields: Any) -> None:
    SheetImport.objects.filter(pk=job.pk).update(**fields)


def run_check(job: SheetImport, *, on_progress: Callable[[int], None] | None = None) -> SheetImport:
    """Dry run: validate every row, keep the listed errors and a short preview, and stage the
    valid rows (canonical JSON lines) for the commit."""
    refs = selectors.refs_for(municipality_id=job.municipality_id, code=job.definition.code)
    _progress(job, status=ImportStatus.CHECKING, processed_rows=0, row_errors=[], message="")
    errors: list[dict[str, Any]] = []
    error_count = processed = 0
    preview: list[dict[str, Any]] = []
    staged = staged_path(job)
    staged.parent.mkdir(parents=True, exist_ok=True)
    try:
        with staged.open("w", encoding="utf-8") as out:
            for number, answers, system, row_errors in checked_rows(job, refs):
                processed += 1
                if row_errors:
                    error_count += 1
                    if len(errors) < MAX_LISTED_ERRORS:
                        errors.append({"row": number, "errors": named(
                            job.definition.schema, row_errors, SYSTEM_LABELS)})
                    continue
                if len(preview) < PREVIEW_ROWS:
                    preview.append({"row": number, "answers": answers})
                if "written_on" in system:
                    system["written_on"] = system["written_on"].isoformat()
                # three JSON texts, tab-separated (JSON never holds a raw tab): the commit
                # inserts the answers and the person snapshot without decoding them again
                out.write(f"{dumps(system)}\t{dumps(answers)}\t{dumps(answers.get('person', {}))}\n")
                if processed % BATCH == 0:
                    _progress(job, processed_rows=processed)
                    if on_progress:
                        on_progress(processed)
    except (ImportFileError, UnicodeDecodeError) as exc:
        staged.unlink(missing_ok=True)
        text = str(exc) if isinstance(exc, ImportFileError) else "文字コードを読み取れません。"
        _progress(job, status=ImportStatus.FAILED, message=f"ファイルを読み取れません: {text}"[:500])
        job.refresh_from_db()
        return job
    message = "" if not error_count else f"{error_count}行にエラーがあります。"
    if error_count > len(errors):
        message += f"（最初の{len(errors)}行を表示）"
    _progress(job, status=ImportStatus.CHECKED, processed_rows=processed, total_rows=processed,
              valid_rows=processed - error_count, row_errors=errors, preview=preview,
              message=message)
    job.refresh_from_db()
    IMPORT_FINISHED.emit(municipality_id=job.municipality_id, import_id=job.pk, status=job.status)
    return job


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _staged_rows(job: SheetImport) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(answers JSON, person JSON, system values) for every staged row."""
    with staged_path(job).open(encoding="utf-8") as fh:
        for line in fh:
            system_text, answers_text, person_text = line.rstrip("\n").split("\t")
            system = json.loads(system_text)
            if "written_on" in system:
                system["written_on"] = dt.date.fromisoformat(system["written_on"])
            yield system_text, answers_text, person_text, system


class _Inserter:
    """The commit's hot path: one INSERT … VALUES run with ``executemany`` per batch, values
    prepared by each field's own ``get_db_prep_save`` (so the rows are exactly what
    ``bulk_create`` would write) but without building model instances. The answers' JSON text
    from the staging file goes in as is on SQLite; other databases get their JSON adapter."""

    def __init__(self, job: SheetImport, now: dt.datetime, today: dt.date) -> None:
        from django.db import connection

        self.connection = connection
        self.now, self.today = now, today
        self.raw_json = connection.vendor == "sqlite"
        fields = [f for f in SheetRecord._meta.concrete_fields if not f.primary_key]
        definition = job.definition
        given: dict[str, Any] = {
            "definition_id": definition.pk, "municipality_id": job.municipality_id,
            "organization_id": job.organization_id, "author_id": job.created_by_id,
            "status": RecordStatus.SUBMITTED, "route_status": "sent" if definition.is_routed else "",
            "source": "import", "import_job_id": job.pk, "submitted_at": now, "created_at": now,
            "updated_at": now, "written_on": today, "tags": list(definition.schema.get("tags", [])),
            "person_id": None}
        self.attnames = [f.attname for f in fields]
        self.fields = {f.attname: f for f in fields}
        self.constants = [self._prep(f.attname, given[f.attname] if f.attname in given
                                     else f.get_default()) for f in fields]
        self.slot = {name: i for i, name in enumerate(self.attnames)}
        self.cache: dict[tuple[str, Any], Any] = {}
        qn = connection.ops.quote_name
        # identifiers from the model's own metadata (quoted), values always as parameters
        columns = ", ".join(qn(str(f.column)) for f in fields)
        self.sql = (f"INSERT INTO {qn(SheetRecord._meta.db_table)} ({columns}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * len(fields))})")

    def _prep(self, attname: str, value: Any) -> Any:
        return self.fields[attname].get_db_prep_save(value, connection=self.connection)

    def _cached(self, attname: str, value: Any) -> Any:
        key = (attname, tuple(value) if isinstance(value, list) else value)
        if key not in self.cache:
            self.cache[key] = self._prep(attname, value)
        return self.cache[key]

    def _json(self, attname: str, text: str) -> Any:
        return text if self.raw_json else self._prep(attname, json.loads(text))

    def row(self, answers_text: str, person_text: str, system: dict[str, Any],
            fingerprint: str = "") -> list[Any]:
        values = list(self.constants)
        slot = self.slot
        values[slot["import_fingerprint"]] = fingerprint
        values[slot["answers"]] = self._json("answers", answers_text)
        values[slot["person_snapshot"]] = self._json("person_snapshot", person_text)
        for key in ("written_on", "tags", "person_id"):
            if key in system:
                values[slot[key]] = self._cached(key, system[key])
        return values

    def insert(self, rows: list[list[Any]]) -> int:
        if rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.sql, rows)
        return len(rows)


@dataclass
class _Commit:
    """State of one commit: who acts, what each row needs, the counts."""

    job: SheetImport
    actor: Actor | None
    person_key: str | None
    per_record: bool
    seen: set[str] = field(default_factory=set)
    incremental_match: bool = True
    created: int = 0
    duplicates: int = 0
    persons: int = 0


def fingerprint(code: str, system_text: str, answers_text: str) -> str:
    """A staged row's identity: the same row imported again is recognised (``duplicate_rows``)."""
    return hashlib.blake2b(f"{code}\t{system_text}\t{answers_text}".encode(),
                           digest_size=16).hexdigest()


def _fresh_rows(c: _Commit, batch: list[tuple[str, str, str, str, dict[str, Any]]]
                ) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    """The batch without rows this organization already imported (or this file repeats)."""
    known = set(SheetRecord.objects.filter(
        organization_id=c.job.organization_id,
        import_fingerprint__in=[b[0] for b in batch]).values_list("import_fingerprint", flat=True))
    fresh = []
    for row in batch:
        if row[0] in known or row[0] in c.seen:
            c.duplicates += 1
            continue
        c.seen.add(row[0])
        fresh.append(row)
    return fresh


def _bind_persons(c: _Commit, rows: list[tuple[str, str, str, str, dict[str, Any]]]) -> None:
    """Rows naming no person_id whose block carries a name: Persons created in bulk
    (``people.services.persons_create_many``: audit, 名寄せ candidates queued)."""
    if c.person_key is None or c.actor is None or not policy.can(c.actor, "person.create"):
        return
    wanted: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for _, _, _, person_text, system in rows:
        if "person_id" in system:
            continue
        fields = person_binding.import_person_fields({"p": json.loads(person_text)}, "p")
        if fields is not None:
            wanted.append((system, fields))
    if not wanted:
        return
    persons = people_services.persons_create_many(
        actor=c.actor, rows=[f for _, f in wanted], detail=f"帳票の取り込み #{c.job.pk}",
        incremental_match=c.incremental_match)
    for (system, _), person in zip(wanted, persons, strict=True):
        system["person_id"] = person.pk
    c.persons += len(persons)


def _records(c: _Commit, inserter: _Inserter,
             rows: list[tuple[str, str, str, str, dict[str, Any]]]) -> Iterator[SheetRecord]:
    """The batch's new records as model instances built from the staged rows — the values
    ``_Inserter`` wrote, the keys read in one query — instead of re-reading every record."""
    job, definition = c.job, c.job.definition
    pks = dict(SheetRecord.objects.filter(
        import_job=job, import_fingerprint__in=[r[0] for r in rows]).values_list(
        "import_fingerprint", "pk"))
    tags_default = list(definition.schema.get("tags", []))
    for fp, _, answers_text, person_text, system in rows:
        record = SheetRecord(
            pk=pks[fp], definition=definition, municipality_id=job.municipality_id,
            organization_id=job.organization_id, author_id=job.created_by_id,
            status=RecordStatus.SUBMITTED, route_status="sent" if definition.is_routed else "",
            source="import", import_job_id=job.pk, submitted_at=inserter.now,
            created_at=inserter.now, updated_at=inserter.now,
            written_on=system.get("written_on", inserter.today),
            tags=system.get("tags", tags_default), person_id=system.get("person_id"),
            answers=json.loads(answers_text), person_snapshot=json.loads(person_text),
            import_fingerprint=fp)
        record._state.adding = False
        record._state.db = inserter.connection.alias
        yield record


def _record_effects(c: _Commit, inserter: _Inserter,
                    rows: list[tuple[str, str, str, str, dict[str, Any]]]) -> None:
    """Consent answers and links of the batch's new records, as on submit (one query for the
    batch; the definition object is shared, never re-read per row)."""
    assert c.actor is not None
    for record in _records(c, inserter, rows):
        person_binding.import_consent(record, c.actor)
        links.derive(record=record, actor=c.actor, operation="import")
        if record.case_id is not None:
            SheetRecord.objects.filter(pk=record.pk).update(case_id=record.case_id)


def _commit_batch(c: _Commit, inserter: _Inserter,
                  batch: list[tuple[str, str, str, str, dict[str, Any]]]) -> None:
    fresh = _fresh_rows(c, batch)
    batch.clear()
    if not fresh:
        return
    _bind_persons(c, fresh)
    c.created += inserter.insert([inserter.row(a, p, s, fp) for fp, _, a, p, s in fresh])
    if c.per_record:
        _record_effects(c, inserter, fresh)


def run_commit(job: SheetImport, *, actor_membership: Actor | None = None) -> SheetImport:
    """Insert every row in one transaction (or every valid row when ``skip_invalid``), as
    submissions: rows already imported by the organization are skipped (fingerprint); person
    blocks bind or create Persons (名寄せ candidates queued); consent answers are recorded and
    the sheet's links derived (``sheets.links``, operation ``import``)."""
    if job.status not in {ImportStatus.CHECKED, ImportStatus.COMMITTING}:
        raise ValidationError("先に内容の確認（ドライラン）を行ってください。")
    if job.row_errors and not job.skip_invalid:
        raise ValidationError("エラーのある行があるため取り込めません。修正するか、エラー行を除いて取り込むを選んでください。")
    if not staged_path(job).exists():
        raise ValidationError("確認結果が見つかりません。もう一度、内容の確認を行ってください。")
    _progress(job, status=ImportStatus.COMMITTING, processed_rows=0)
    definition = job.definition
    actor = actor_membership or job_actor(job)
    person_key = person_binding.person_key(definition)
    per_record = links.has_links(definition) or any(
        f.get("binding") == "consent" for f in definition.fields)
    if actor is None and (person_key or per_record or bindings.has_handlers(operation="import")):
        raise ValidationError("取り込みを依頼した職員の所属が無効になっているため取り込めません。")
    c = _Commit(job=job, actor=actor, person_key=person_key, per_record=per_record,
                incremental_match=job.valid_rows <= INCREMENTAL_MATCH_MAX)
    try:
        with transaction.atomic():
            if bindings.has_handlers(operation="import"):
                _commit_with_handlers(c)
            else:
                inserter = _Inserter(job, timezone.now(), timezone.localdate())
                batch: list[tuple[str, str, str, str, dict[str, Any]]] = []
                for system_text, answers_text, person_text, system in _staged_rows(job):
                    fp = fingerprint(definition.code, system_text, answers_text)
                    batch.append((fp, system_text, answers_text, person_text, system))
                    if len(batch) >= INSERT_BATCH:
                        _commit_batch(c, inserter, batch)
                        _progress(job, processed_rows=c.created + c.duplicates)
                _commit_batch(c, inserter, batch)
            if c.persons and not c.incremental_match:
                assert actor is not None
                people_services.persons_match_queue(actor=actor)
            access_log(user=job.created_by, action="sheet_import_commit", basis=Basis.OWN_RECORD,
                       organization_id=job.organization_id, object_type="sheet_import",
                       object_id=job.pk, detail=f"{definition.code} {c.created}件")
    except ValidationError as exc:
        _progress(job, status=ImportStatus.FAILED, message=" ".join(exc.messages)[:500])
        job.refresh_from_db()
        return job
    staged_path(job).unlink(missing_ok=True)
    if actor is not None:  # the mapping that worked: the next file with these headers reuses it
        presets.mapping_save(actor=actor, code=definition.code, headers=job.headers,
                             mapping=job.mapping)
    message = f"{c.created}件を取り込みました。"
    if c.persons:
        message += f"本人を{c.persons}人登録しました（名寄せの候補は推進員が確認します）。"
    if c.duplicates:
        message += f"取り込み済みの{c.duplicates}行は除きました。"
    _progress(job, status=ImportStatus.DONE, created_count=c.created,
              processed_rows=c.created + c.duplicates, duplicate_rows=c.duplicates,
              persons_created=c.persons, finished_at=timezone.now(), message=message[:500])
    job.refresh_from_db()
    IMPORT_FINISHED.emit(municipality_id=job.municipality_id, import_id=job.pk, status=job.status)
    return job


def _commit_with_handlers(c: _Commit) -> None:
    """Import handlers registered in ``bindings.ON_IMPORT`` need model instances: bulk_create
    a batch, then the handlers record by record."""
    job, definition = c.job, c.job.definition
    assert c.actor is not None  # refused before
    today, now = timezone.localdate(), timezone.now()
    tags_default = list(definition.schema.get("tags", []))
    batch: list[SheetRecord] = []
    for system_text, answers_text, _, system in _staged_rows(job):
        fp = fingerprint(definition.code, system_text, answers_text)
        if fp in c.seen or SheetRecord.objects.filter(
                organization_id=job.organization_id, import_fingerprint=fp).exists():
            c.duplicates += 1
            continue
        c.seen.add(fp)
        answers = json.loads(answers_text)
        batch.append(SheetRecord(
            definition=definition, municipality_id=job.municipality_id,
            organization_id=job.organization_id, author_id=job.created_by_id,
            status=RecordStatus.SUBMITTED, answers=answers,
            written_on=system.get("written_on", today),
            tags=system.get("tags", tags_default), person_id=system.get("person_id"),
            person_snapshot=answers.get("person", {}),
            route_status="sent" if definition.is_routed else "", source="import", import_job=job,
            submitted_at=now, import_fingerprint=fp))
        if len(batch) >= BATCH:
            c.created += _flush(batch, c.actor)
    c.created += _flush(batch, c.actor)


def _flush(batch: list[SheetRecord], actor: Actor) -> int:
    if not batch:
        return 0
    SheetRecord.objects.bulk_create(batch, batch_size=BATCH)
    for record in batch:
        bindings.run(record=record, actor=actor, operation="import")
        record.save()
    count = len(batch)
    batch.clear()
    return count
