"""Sheets API: definitions in force, and records (create / list / one) through the selector."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile

from kasane.access import policy
from kasane.accounts.http import membership_of
from kasane.core.ids import MAX_OFFSET

from . import attachments, masking, selectors, services, validation
from . import policy as sheet_policy
from .models import DerivationStatus, RecordStatus, SheetRecord

router = Router(tags=["sheets"])


class Detail(Schema):
    detail: str


class ErrorDetail(Schema):
    detail: str
    errors: dict[str, str] = {}


class DefinitionOut(Schema):
    code: str
    title: str
    version: int


class DefinitionList(Schema):
    items: list[DefinitionOut]
    count: int


class RecordIn(Schema):
    definition: str
    answers: dict[str, Any] = {}
    person_id: int | None = None
    household_id: int | None = None
    case_id: int | None = None
    status: Literal["submitted", "draft"] = "submitted"
    tags: list[str] | None = None
    written_on: dt.date | None = None


class DerivedOut(Schema):
    """A core record the sheet created (kinds case, referral, contact, support_plan, closure,
    assessment; more as apps join)."""

    kind: str
    id: int


class DerivationOut(Schema):
    """Every link of the sheet and where it stands: done / pending (waits for a
    confirmation) / failed (``message`` says why; retry on the record page) / waiting."""

    key: str
    kind: str
    id: int | None
    status: str
    label: str
    message: str
    field: str


class RecordOut(Schema):
    id: int
    definition: str
    version: int
    status: str
    answers: dict[str, Any]
    organization_id: int
    author_id: int
    written_on: dt.date
    tags: list[str]
    person_id: int | None
    household_id: int | None
    case_id: int | None
    route_status: str
    submitted_at: dt.datetime | None
    lock_version: int
    derived: list[DerivedOut] = []
    derivations: list[DerivationOut] = []


class AttachmentOut(Schema):
    id: int
    name: str


class RecordList(Schema):
    items: list[RecordOut]
    count: int


class RecordFilter(Schema):
    definition: str | None = None
    person_id: int | None = None
    status: Literal["submitted", "draft"] | None = None
    limit: int = 100
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _out(r: SheetRecord, masks: dict[str, str] | None = None) -> dict[str, Any]:
    """``masks`` from ``masking.masks_for`` (機微 and 閲覧制限 for the reading actor)."""
    masked = masking.mask_answers(r.answers, masks or {})
    return {
        "id": r.pk, "definition": r.definition.code, "version": r.definition.version,
        "status": r.status, "answers": masked, "organization_id": r.organization_id,
        "author_id": r.author_id, "written_on": r.written_on, "tags": r.tags,
        "person_id": r.person_id, "household_id": r.household_id, "case_id": r.case_id,
        "route_status": r.route_status, "submitted_at": r.submitted_at,
        "lock_version": r.lock_version,
        **_derived(r),
    }


def _derived(r: SheetRecord) -> dict[str, Any]:
    rows = sorted(r.derivations.all(), key=lambda d: d.pk)  # prefetched on lists
    return {
        "derived": [{"kind": d.kind, "id": d.object_id} for d in rows
                    if d.status == DerivationStatus.DONE and d.object_id is not None],
        "derivations": [{"key": d.key, "kind": d.kind, "id": d.object_id, "status": d.status,
                         "label": d.label, "message": d.message, "field": d.field}
                        for d in rows],
    }


def _actor(request: HttpRequest) -> Any:
    actor = membership_of(request)
    if actor is None:
        raise PermissionDenied("所属が登録されていません。")
    return actor


@router.get("/sheet-definitions", response={200: DefinitionList, 403: Detail},
            summary="帳票定義（現行の版）の一覧")
def definitions_list(request: HttpRequest) -> Any:
    actor = _actor(request)
    rows = selectors.definitions_current(municipality_id=actor.organization.municipality_id)
    items = [{"code": d.code, "title": d.title, "version": d.version} for d in rows]
    return {"items": items, "count": len(items)}


@router.post("/sheet-records", response={201: RecordOut, 400: ErrorDetail, 403: Detail,
                                         404: Detail, 422: ErrorDetail},
             summary="帳票の記録を作成（既定は提出済み、status=draft で下書き）")
def record_create(request: HttpRequest, payload: RecordIn) -> Any:
    # A 400 names every refused field: ``errors`` {path: 「生年月日: 未来の日付は入力できません。」},
    # ``detail`` all of them in one line.
    actor = _actor(request)
    try:
        record = services.record_create(
            actor=actor, code=payload.definition,
            answers=payload.answers, submit=payload.status == RecordStatus.SUBMITTED,
            person_id=payload.person_id, household_id=payload.household_id,
            case_id=payload.case_id, tags=payload.tags, written_on=payload.written_on,
            source="api", prefill=False)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        schema = selectors.definition_current(municipality_id=actor.organization.municipality_id,
                                              code=payload.definition).schema
        errors = validation.named(schema, {k: " ".join(v) for k, v in exc.message_dict.items()},
                                  services.HEADER_LABELS)
        return 400, {"detail": " ".join(errors.values()), "errors": errors}
    return 201, _out(record, masking.record_masks(actor, record))


@router.get("/sheet-records", response={200: RecordList, 403: Detail, 404: Detail},
            summary="見ることのできる記録の一覧（person_id: その本人についての記録。"
                    "本人を見る根拠がなければ 404）")
def record_list(request: HttpRequest, filters: Query[RecordFilter]) -> Any:
    actor = _actor(request)
    qs = sheet_policy.visible_records(actor).select_related("definition") \
        .prefetch_related("derivations")
    if filters.person_id is not None:
        # the person first, exactly as GET /persons/{id}: invisible == nonexistent (logged)
        policy.require_person(actor, filters.person_id, action="view",
                              detail="帳票の一覧（API）")
        qs = qs.filter(person_id=filters.person_id)
    if filters.definition:
        qs = qs.filter(definition__code=filters.definition)
    if filters.status:
        qs = qs.filter(status=filters.status)
    count = qs.count()
    limit = max(1, min(filters.limit, 500))
    rows = list(qs[filters.offset:filters.offset + limit])
    sheet_policy.log_records_listed(actor=actor, records=rows, action="sheet_record_api_list")
    restricted = masking.restricted_record_ids(actor, rows)
    return {"items": [_out(r, masking.masks_for(actor, r, restricted=r.pk in restricted))
                      for r in rows], "count": count}


@router.get("/sheet-records/{record_id}", response={200: RecordOut, 403: Detail, 404: Detail},
            summary="記録1件")
def record_detail(request: HttpRequest, record_id: int) -> Any:
    actor = _actor(request)
    record = sheet_policy.require_record(actor=actor, pk=record_id, action="sheet_record_api_view")
    return _out(record, masking.record_masks(actor, record))


@router.post("/sheet-attachments", response={201: AttachmentOut, 400: ErrorDetail, 403: Detail,
                                             404: Detail, 422: ErrorDetail},
             summary="添付ファイルの登録（multipart: definition, field, file）。"
                     "返る {id, name} を記録の回答（file 項目）に入れて使う")
def attachment_upload(request: HttpRequest, definition: Form[str], field: Form[str],
                      file: File[UploadedFile]) -> Any:
    """PDF・JPEG・PNG up to 10 MB (checked by content). The upload belongs to the caller until a
    record of the same sheet and field names it in ``answers`` (POST /sheet-records)."""
    att = attachments.attachment_upload(actor=membership_of(request),
                                        code=definition, field_key=field, upload=file)
    return 201, att.as_answer()


@router.get("/sheet-attachments/{attachment_id}", response={200: None, 403: Detail, 404: Detail},
            summary="添付ファイル（記録と同じアクセス判断・閲覧記録あり）")
def attachment_download(request: HttpRequest, attachment_id: int) -> Any:
    from .views.attachments import file_response

    att = sheet_policy.require_attachment(actor=_actor(request), pk=attachment_id)
    return file_response(att, download=True)
