"""File answers (``type: "file"``): upload, claim by a record, removal of orphans.

An answer holds ``[{"id", "name"}]``; the ids are ``SheetAttachment`` rows. Every write goes
through here (policy → transaction → write → audit): ``attachment_upload`` (the sheet form,
or the API before the record exists), ``attachments_claim`` (called by ``services`` whenever
answers are saved: each id must be an upload of this record and field, or the actor's own
unclaimed API upload of the same sheet and field; names come from the stored row),
``attachments_discard`` (a discarded draft) and ``attachments_cleanup`` (orphans).
Reads are ``sheet_policy.require_attachment`` (the record's access decision).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kasane.accounts.models import Membership, Role
from kasane.audit.models import Basis
from kasane.audit.services import access_log

from . import policy as sheet_policy
from . import selectors
from .models import RecordStatus, SheetAttachment, SheetRecord

MAX_SIZE = 10 * 1024 * 1024
THUMB_SIZE = (480, 480)
ORPHAN_AGE = dt.timedelta(hours=24)
ACCEPT = "image/*,application/pdf"
KINDS = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
TYPE_ERROR = "添付できるのは PDF・JPEG・PNG のファイルだけです（ファイルの中身で確認しています）。"
SIZE_ERROR = "ファイルが大きすぎます（1ファイル10MBまで）。"


def sniff(head: bytes) -> str | None:
    """The content type from the first bytes (magic numbers), never from the name or browser."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def file_fields(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Top-level ``file`` fields of a schema by key (the standard sheets have no others)."""
    return {f["key"]: f for sec in schema.get("sections", []) for f in sec["fields"]
            if f["type"] == "file"}


def _thumbnail(data: bytes) -> bytes:
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as source:
            source.load()
            img = ImageOps.exif_transpose(source)
            img.thumbnail(THUMB_SIZE)
            out = io.BytesIO()
            img.convert("RGB").save(out, format="JPEG", quality=80)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError({"file": ["画像を読み取れません。撮り直すか、PDF にして添付してください。"]}) from exc
    return out.getvalue()


def thumbnail_uri(attachment: SheetAttachment) -> str:
    """A ``data:`` URI (the CSP allows data: images) for the page and the PDF."""
    if not attachment.thumbnail:
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(bytes(attachment.thumbnail)).decode()


def _read(upload: IO[bytes] | Any) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_SIZE:
        raise ValidationError({"file": [SIZE_ERROR]})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data: bytes = upload.read(MAX_SIZE + 1)
    if len(data) > MAX_SIZE:
        raise ValidationError({"file": [SIZE_ERROR]})
    if not data:
        raise ValidationError({"file": ["空のファイルは添付できません。"]})
    return data


def _may_attach(actor: Membership, record: SheetRecord) -> None:
    if record.status == RecordStatus.DRAFT:
        if record.author_id != actor.user_id or record.organization_id != actor.organization_id:
            raise PermissionDenied("下書きは記入者本人だけが編集できます。")
    elif record.organization_id != actor.organization_id or not sheet_policy.can_write(
            actor, record.definition.code) or actor.role == Role.LIAISON:
        raise PermissionDenied("提出済みの記録を修正できるのは記録した機関の相談員だけです。")


def attachment_upload(*, actor: Membership | None, field_key: str, upload: Any,
                      record: SheetRecord | None = None, code: str = "") -> SheetAttachment:
    """Keep one uploaded file for ``field_key`` of ``record`` (the form) or, without a record,
    of the sheet ``code`` in force (the API; a record claims it later). The same content
    uploaded again to the same record and field gives back the stored row."""
    if record is not None:
        if actor is None:
            raise PermissionDenied("この帳票を記入する権限がありません。")
        _may_attach(actor, record)
        definition, code = record.definition, record.definition.code
    else:
        actor = sheet_policy.require_write(actor, code)
        definition = selectors.definition_current(
            municipality_id=actor.organization.municipality_id, code=code)
    if field_key not in file_fields(definition.schema):
        raise ValidationError({"field": ["この項目にはファイルを添付できません。"]})
    name = str(getattr(upload, "name", "") or "添付ファイル").replace("\\", "/").rsplit("/", 1)[-1]
    data = _read(upload)
    content_type = sniff(data[:8])
    if content_type is None:
        raise ValidationError({"file": [TYPE_ERROR]})
    digest = hashlib.sha256(data).hexdigest()
    if record is not None:
        same = SheetAttachment.objects.filter(record=record, field_key=field_key, sha256=digest).first()
        if same is not None:
            return same
    thumb = _thumbnail(data) if content_type.startswith("image/") else None
    with transaction.atomic():
        att = SheetAttachment(
            municipality_id=actor.organization.municipality_id,
            organization_id=actor.organization_id, uploaded_by_id=actor.user_id, record=record,
            sheet_code=code, field_key=field_key, original_name=name[:200] or "添付ファイル",
            content_type=content_type, size=len(data), sha256=digest, thumbnail=thumb)
        att.file.save("upload", ContentFile(data), save=False)
        try:
            att.save()
            access_log(user=actor.user, action="sheet_attachment_upload",
                       basis=Basis.OWN_RECORD, organization_id=actor.organization_id,
                       object_type="sheet_attachment", object_id=att.pk,
                       person_id=record.person_id if record is not None else None,
                       detail=f"{code}.{field_key}")
        except Exception:
            att.file.delete(save=False)
            raise
    return att


def attachments_claim(*, actor: Membership, record: SheetRecord, answers: dict[str, Any],
                      confirm: bool) -> None:
    """Check every file answer of ``answers`` (in place: names from the stored rows) and
    attach the actor's unclaimed API uploads to ``record``. Raises per-field errors.
    ``confirm`` (submit, edits of submitted records): the referenced files are kept for good."""
    fields = file_fields(record.definition.schema)
    wanted = {key: [item["id"] for item in answers[key]] for key in fields
              if isinstance(answers.get(key), list)}
    ids = {pk for pks in wanted.values() for pk in pks}
    if not ids:
        return
    rows = {a.pk: a for a in SheetAttachment.objects.filter(
        pk__in=ids, municipality_id=record.municipality_id)}
    errors: dict[str, list[str]] = {}
    claim: list[int] = []
    for key, pks in wanted.items():
        for pk in pks:
            att = rows.get(pk)
            own_upload = att is not None and att.record_id is None and \
                att.uploaded_by_id == actor.user_id and att.organization_id == actor.organization_id \
                and att.sheet_code == record.definition.code
            if att is None or att.field_key != key or not (att.record_id == record.pk or own_upload):
                errors.setdefault(key, []).append(
                    f"添付ファイル（番号 {pk}）が見つかりません。もう一度添付してください。")
            elif att.record_id is None:
                claim.append(pk)
        if key not in errors:
            answers[key] = [rows[pk].as_answer() for pk in pks]
    if errors:
        raise ValidationError(errors)
    if claim:
        SheetAttachment.objects.filter(pk__in=claim, record__isnull=True).update(record=record)
    if confirm:
        SheetAttachment.objects.filter(pk__in=ids, record=record).update(confirmed=True)


def _delete_files(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)


def attachments_discard(*, record: SheetRecord) -> int:
    """Within a draft's deletion: drop its attachments, the files once the deletion commits."""
    rows = list(SheetAttachment.objects.filter(record=record).values_list("pk", "file"))
    SheetAttachment.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    names = [name for _, name in rows]
    transaction.on_commit(lambda: _delete_files(names))
    return len(rows)


def _referenced(record: SheetRecord) -> set[int]:
    out: set[int] = set()
    for key in file_fields(record.definition.schema):
        for item in record.answers.get(key) or []:
            if isinstance(item, dict) and isinstance(item.get("id"), int):
                out.add(item["id"])
    return out


def attachments_cleanup(*, now: dt.datetime | None = None, older_than: dt.timedelta = ORPHAN_AGE) -> int:
    """Remove orphan uploads older than ``older_than``: never confirmed by a submitted record and
    not referenced by their record's current answers (a draft abandoned mid-upload, an API
    upload no record claimed, a cancelled edit). Returns how many were removed."""
    cutoff = (now or timezone.now()) - older_than
    candidates = (SheetAttachment.objects.filter(confirmed=False, created_at__lt=cutoff)
                  .select_related("record__definition"))
    doomed: list[tuple[int, str]] = []
    referenced: dict[int, set[int]] = {}
    for att in candidates.iterator(chunk_size=500):
        if att.record is not None:
            if att.record.pk not in referenced:
                referenced[att.record.pk] = _referenced(att.record)
            if att.pk in referenced[att.record.pk]:
                continue
        doomed.append((att.pk, att.file.name or ""))
    with transaction.atomic():
        SheetAttachment.objects.filter(pk__in=[pk for pk, _ in doomed]).delete()
        names = [name for _, name in doomed]
        transaction.on_commit(lambda: _delete_files(names))
    return len(doomed)
