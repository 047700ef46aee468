"""Writes on sheets. Order everywhere: policy check → transaction → validate/write → audit.

A draft keeps whatever was typed: ``record_draft_save`` (the form's autosave and 下書き保存)
never refuses an answer — the input as typed goes to ``draft_answers``, the answers that pass
validation to ``answers``, and the problems are reported, not raised; the first save of an
unsaved form creates the draft (nothing exists before something is typed). Submitting
validates fully (every error at once), runs the core-record bindings (``bindings.run``)
inside the transaction and writes a ChangeRecord — a refused submit still keeps what was
typed as the draft. A submitted record keeps canonical answers only and changes only through
``record_edit_submitted`` (reason required). Bindings never run on drafts. Whenever answers
are saved, file answers are checked and claimed by ``attachments.attachments_claim`` inside
the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from kasane.access import policy
from kasane.accounts.models import Actor, Role
from kasane.audit.services import access_log, change_record, snapshot
from kasane.core import messages
from kasane.core.wareki import WarekiError, parse_date

from .. import attachments, bindings, links, person_prefill, reach, routing, selectors
from .. import policy as sheet_policy
from .. import schema as sheet_schema
from ..events import SHEET_ROUTED
from ..models import ROUTE_ORDER, RecordStatus, RouteStatus, SheetDefinition, SheetRecord
from ..validation import Refs, Result, date_message, validate

HISTORY_FIELDS = ["status", "answers", "tags", "written_on", "sensitive_keys", "person_id",
                  "person_differences", "household_id", "case_id", "route_status"]


# References a new record takes from rows already loaded (the definition in force, the actor's
# municipality): ``full_clean`` need not query whether they exist. (The organization and the
# author stay checked: the unique constraints on them are validated with them.)
TRUSTED_REFS = ("definition", "municipality")


class ConflictError(ValidationError):
    """Someone else saved the record since this form was opened (optimistic lock)."""


def today() -> dt.date:
    return timezone.localdate()


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})


def answers_check(*, definition: SheetDefinition, answers: Any, submit: bool,
                  refs: Refs | None = None) -> Result:
    """Validate against the definition's own version (pure apart from the reference lists)."""
    muni = definition.municipality_id
    if refs is None and muni is not None:
        refs = selectors.refs_for(municipality_id=muni, code=definition.code)
    return validate(definition.schema, answers, submit=submit, today=today(), refs=refs)


def _refs(actor: Actor, code: str) -> Refs:
    return selectors.refs_for(municipality_id=actor.organization.municipality_id, code=code)


# How the record's own inputs (not answers) are named in a summary or an API answer.
HEADER_LABELS = {"written_on": "記入日", "tags": "事業", "sensitive_keys": "機微情報",
                 "reason": "修正の理由"}
# ``draft_answers`` key of a 記入日 that could not be read (answer keys never start with "_").
TYPED_WRITTEN_ON = "_written_on"


@dataclass
class DraftSave:
    """A saved draft and what submitting it would still refuse today (short messages by
    field path; ``validation.named`` names them)."""

    record: SheetRecord
    problems: dict[str, str] = field(default_factory=dict)
    created: bool = False


def _header_checked(definition: SheetDefinition, *, tags: Iterable[str] | None,
                    written_on: dt.date | str | None,
                    sensitive_keys: Iterable[str] | None) -> tuple[dict[str, Any], dict[str, str]]:
    """The record's own inputs and their errors. ``written_on`` may be the text a form sent
    (和暦 or 西暦; blank = unchanged)."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if tags is not None:
        tag_list = [t for t in sheet_schema.TAGS if t in set(tags)]
        if set(tags) - set(sheet_schema.TAGS):
            errors["tags"] = messages.INVALID_CHOICE
        out["tags"] = tag_list
    if isinstance(written_on, str):
        text, written_on = written_on.strip(), None
        if text:
            try:
                written_on = parse_date(text)
            except WarekiError as exc:
                errors["written_on"] = date_message(exc)
    if written_on is not None:
        if written_on > today():
            errors["written_on"] = messages.FUTURE_DATE
        out["written_on"] = written_on
    if sensitive_keys is not None:
        allowed = {f["key"] for f in definition.fields if f.get("sensitive_allowed")}
        if set(sensitive_keys) - allowed:
            errors["sensitive_keys"] = "機微情報に指定できない項目を外してください。"
        out["sensitive_keys"] = sorted(set(sensitive_keys) & allowed)
    return out, errors


def prefill_answers(definition: SheetDefinition, actor: Actor) -> dict[str, Any]:
    """What a new form starts with (the writer's organization and name where the sheet asks)."""
    out: dict[str, Any] = {}
    for f in definition.fields:
        if f.get("prefill") == "organization":
            out[f["key"]] = actor.organization_id
        elif f.get("prefill") == "user":
            out[f["key"]] = actor.user_id
    return out


def _locked(record: SheetRecord, lock_version: int | None) -> SheetRecord:
    fresh = SheetRecord.objects.select_for_update().select_related("definition").get(pk=record.pk)
    if lock_version is not None and fresh.lock_version != lock_version:
        raise ConflictError({"__all__": ["ほかの画面または利用者がこの記録を更新しました。"
                                         "画面を読み込み直してから、もう一度入力してください。"]})
    return fresh


def _require_author_draft(actor: Actor, record: SheetRecord) -> None:
    if record.status != RecordStatus.DRAFT:
        raise PermissionDenied("提出済みの記録は、理由を添えた修正でのみ変更できます。")
    if record.author_id != actor.user_id or record.organization_id != actor.organization_id:
        raise PermissionDenied("下書きは記入者本人だけが編集できます。")


def _submit_effects(record: SheetRecord, actor: Actor, operation: str) -> None:
    person = record.answers.get("person")
    record.person_snapshot = person if isinstance(person, dict) else {}
    bindings.run(record=record, actor=actor, operation=operation)
    routing.shares_sync(record)  # 情報提供先 of a 地域課題 sheet
    if operation == "submit":
        routing.route_assign(record)  # つなぐシート: named coordinator, 即日 first
    links.derive(record=record, actor=actor, operation=operation)


def _apply_answers(actor: Actor, record: SheetRecord, answers: Any, *, submit: bool,
                   tags: Iterable[str] | None, written_on: dt.date | str | None,
                   sensitive_keys: Iterable[str] | None) -> None:
    """Validate ``answers`` against the record's version (fully when ``submit``) and put them,
    the header fields and the claimed attachments on ``record`` — not saved: the caller's
    transaction saves it."""
    result = validate(record.definition.schema, answers, submit=submit, today=today(),
                      refs=_refs(actor, record.definition.code))
    if record.person_id is not None:
        result.errors = person_prefill.waive_block_required(record.definition, result.errors)
    header, header_errors = _header_checked(record.definition, tags=tags, written_on=written_on,
                                            sensitive_keys=sensitive_keys)
    _raise({**result.errors, **header_errors})  # every error at once
    attachments.attachments_claim(actor=actor, record=record, answers=result.answers,
                                  confirm=submit)
    record.answers = result.answers
    record.draft_answers = {}
    for key, value in header.items():
        setattr(record, key, value)


def record_create(*, actor: Actor | None, code: str, answers: dict[str, Any] | None = None,
                  submit: bool = False, person_id: int | None = None,
                  household_id: int | None = None, case_id: int | None = None,
                  tags: Iterable[str] | None = None, written_on: dt.date | None = None,
                  sensitive_keys: Iterable[str] | None = None, source: str = "form",
                  prefill: bool = True) -> SheetRecord:
    """A new record on the version in force; a draft unless ``submit``."""
    actor = sheet_policy.require_write(actor, code)
    definition = selectors.definition_current(municipality_id=actor.organization.municipality_id,
                                              code=code)
    given = dict(answers or {})
    if person_id is not None:
        # Writing about a person needs a basis to see them; otherwise a logged denial and the
        # same 404 as a nonexistent person (invisible == nonexistent). The person block is
        # then filled from the record: nothing Kasane knows is typed again.
        person, _basis = policy.require_person(actor, person_id, action="view",
                                               detail=f"帳票「{definition.title}」の記録")
        given = person_prefill.fill_person_block(actor, definition, given, person)
    if case_id is not None and not reach.reaches_case(actor, case_id):
        # A sheet linked to a case is read by the case's staff: only a case the writer reaches
        # (involvement or a meeting grant) may be named; any other is nonexistent to them.
        raise Http404("ケースが見つかりません。")
    if prefill:
        given = {**prefill_answers(definition, actor), **given}
    result = validate(definition.schema, given, submit=submit, today=today(), refs=_refs(actor, definition.code))
    if person_id is not None:
        result.errors = person_prefill.waive_block_required(definition, result.errors)
    header, header_errors = _header_checked(definition, tags=tags, written_on=written_on,
                                            sensitive_keys=sensitive_keys)
    _raise({**result.errors, **header_errors})  # every error at once
    with transaction.atomic():
        record = SheetRecord(
            definition=definition, municipality_id=actor.organization.municipality_id,
            organization_id=actor.organization_id, author_id=actor.user_id,
            answers=result.answers, written_on=header.get("written_on", today()),
            tags=header.get("tags", list(definition.schema.get("tags", []))),
            sensitive_keys=header.get("sensitive_keys", []), person_id=person_id,
            household_id=household_id, case_id=case_id, source=source,
            status=RecordStatus.SUBMITTED if submit else RecordStatus.DRAFT)
        if submit:
            record.submitted_at = timezone.now()
            if definition.is_routed:
                record.route_status = RouteStatus.SENT
        record.full_clean(exclude=["answers", "tags", "sensitive_keys", "person_snapshot",
                                   *TRUSTED_REFS])
        record.save()
        attachments.attachments_claim(actor=actor, record=record, answers=record.answers,
                                      confirm=submit)
        if submit:
            _submit_effects(record, actor, "submit")
        record.save()
        change_record(user=actor.user, instance=record, operation="create",
                      after=snapshot(record, HISTORY_FIELDS), organization_id=actor.organization_id)
        access_log(user=actor.user, action="sheet_record_create",
                   basis=sheet_policy.basis_for(actor, record), organization_id=actor.organization_id,
                   object_type="sheet_record", object_id=record.pk, person_id=record.person_id)
    return record


def record_create_draft(*, actor: Actor | None, code: str,
                        answers: dict[str, Any] | None = None, **kwargs: Any) -> SheetRecord:
    return record_create(actor=actor, code=code, answers=answers, submit=False, **kwargs)


def _new_draft(actor: Actor, definition: SheetDefinition, form_key: str) -> SheetRecord:
    return SheetRecord(
        definition=definition, municipality_id=actor.organization.municipality_id,
        organization_id=actor.organization_id, author_id=actor.user_id, written_on=today(),
        tags=list(definition.schema.get("tags", [])), status=RecordStatus.DRAFT, source="form",
        form_key=form_key)


def _draft_save(actor: Actor, record: SheetRecord | None, code: str, form_key: str,
                answers: dict[str, Any], lock_version: int | None,
                tags: Iterable[str] | None, written_on: dt.date | str | None,
                sensitive_keys: Iterable[str] | None) -> DraftSave:
    refs = _refs(actor, code)
    with transaction.atomic():
        if record is None and form_key:
            record = SheetRecord.objects.filter(author_id=actor.user_id, form_key=form_key).first()
        created = record is None
        if record is None:
            fresh = _new_draft(actor, selectors.definition_current(
                municipality_id=actor.organization.municipality_id, code=code), form_key)
        else:
            _require_author_draft(actor, record)
            fresh = _locked(record, lock_version)
            _require_author_draft(actor, fresh)
            fresh.lock_version += 1
        definition = fresh.definition
        result = validate(definition.schema, answers, submit=False, today=today(), refs=refs)
        problems = dict(result.errors)
        header, header_problems = _header_checked(definition, tags=tags, written_on=written_on,
                                                  sensitive_keys=sensitive_keys)
        problems.update(header_problems)
        typed = dict(answers)
        if "written_on" in header_problems and isinstance(written_on, str):
            typed[TYPED_WRITTEN_ON] = written_on.strip()
        for key, value in header.items():
            setattr(fresh, key, value)
        fresh.draft_answers = typed
        if created:
            fresh.full_clean(exclude=["answers", "draft_answers", "tags", "sensitive_keys",
                                      "person_snapshot", *TRUSTED_REFS])
            fresh.save()  # a pk for the claimed attachments
        canonical = result.answers
        try:
            attachments.attachments_claim(actor=actor, record=fresh, answers=canonical,
                                          confirm=False)
        except ValidationError as exc:
            for key, texts in exc.message_dict.items():
                problems[key] = " ".join(texts)
                canonical.pop(key, None)
        fresh.answers = canonical
        fresh.save()
        if created:
            change_record(user=actor.user, instance=fresh, operation="create",
                          after=snapshot(fresh, HISTORY_FIELDS),
                          organization_id=actor.organization_id)
            access_log(user=actor.user, action="sheet_record_create",
                       basis=sheet_policy.basis_for(actor, fresh),
                       organization_id=actor.organization_id, object_type="sheet_record",
                       object_id=fresh.pk, person_id=fresh.person_id)
    return DraftSave(record=fresh, problems=problems, created=created)


def record_draft_save(*, actor: Actor | None, answers: dict[str, Any],
                      record: SheetRecord | None = None, code: str = "", form_key: str = "",
                      lock_version: int | None = None, tags: Iterable[str] | None = None,
                      written_on: dt.date | str | None = None,
                      sensitive_keys: Iterable[str] | None = None) -> DraftSave:
    """Save a draft exactly as typed — partial, unreadable or wrong answers included; nothing
    is refused but a stale form (``ConflictError``) or someone else's draft.

    ``answers`` is the input as the form sent it (``formdata.answers_from_post``): it is kept
    whole in ``draft_answers`` (the form shows it again), the answers that pass validation go
    canonical to ``answers``; ``written_on`` may be the typed text. Without ``record`` the
    draft is created from the sheet ``code`` — or found again by ``form_key``, the unsaved
    form it was started from, so that form's autosave and its explicit save make one draft.
    Person bindings never run here."""
    if actor is None:
        raise PermissionDenied("この帳票を記入する権限がありません。")
    if record is None:
        actor = sheet_policy.require_write(actor, code)
    else:
        _require_author_draft(actor, record)
    try:
        return _draft_save(actor, record, code, form_key, answers, lock_version, tags,
                           written_on, sensitive_keys)
    except IntegrityError:
        if record is not None or not form_key:
            raise
        # the same unsaved form's other request created the draft meanwhile: save onto it
        return _draft_save(actor, None, code, form_key, answers, None, tags, written_on,
                           sensitive_keys)


def draft_problems(*, actor: Actor, record: SheetRecord) -> dict[str, str]:
    """What a draft's typed input would still have refused if saved now (short messages by
    path): shown beside the fields when the draft is opened again. Reads nothing personal
    beyond the record the caller already holds."""
    result = validate(record.definition.schema, record.typed_answers, submit=False,
                      today=today(), refs=_refs(actor, record.definition.code))
    typed_written_on = record.draft_answers.get(TYPED_WRITTEN_ON)
    _header, header_problems = _header_checked(
        record.definition, tags=None, sensitive_keys=None,
        written_on=typed_written_on if typed_written_on is not None else record.written_on)
    return {**result.errors, **header_problems}


def record_autosave(*, actor: Actor | None, record: SheetRecord, answers: dict[str, Any],
                    lock_version: int | None, tags: Iterable[str] | None = None,
                    written_on: dt.date | str | None = None,
                    sensitive_keys: Iterable[str] | None = None) -> SheetRecord:
    """Save a draft as typed (``record_draft_save`` without its report of problems)."""
    return record_draft_save(actor=actor, record=record, answers=answers,
                             lock_version=lock_version, tags=tags, written_on=written_on,
                             sensitive_keys=sensitive_keys).record


def record_submit(*, actor: Actor | None, record: SheetRecord,
                  answers: dict[str, Any] | None = None, lock_version: int | None,
                  tags: Iterable[str] | None = None, written_on: dt.date | str | None = None,
                  sensitive_keys: Iterable[str] | None = None) -> SheetRecord:
    """Draft → 提出済み: full validation (every error at once), bindings, history. Given
    ``answers`` are first kept as the draft, so a refused submit loses nothing; without them
    the draft's own input is submitted."""
    if actor is None:
        raise PermissionDenied("この帳票を記入する権限がありません。")
    _require_author_draft(actor, record)
    if answers is not None:
        record = record_draft_save(actor=actor, record=record, answers=answers,
                                   lock_version=lock_version, tags=tags, written_on=written_on,
                                   sensitive_keys=sensitive_keys).record
        lock_version = None
    with transaction.atomic():
        fresh = _locked(record, lock_version)
        _require_author_draft(actor, fresh)
        before = snapshot(fresh, HISTORY_FIELDS)
        given = fresh.typed_answers if answers is None else answers
        if written_on is None:  # the draft's own 記入日, checked again
            written_on = fresh.draft_answers.get(TYPED_WRITTEN_ON, fresh.written_on)
        _apply_answers(actor, fresh, given, submit=True, tags=tags, written_on=written_on,
                       sensitive_keys=sensitive_keys)
        fresh.status = RecordStatus.SUBMITTED
        fresh.submitted_at = timezone.now()
        if fresh.definition.is_routed:
            fresh.route_status = RouteStatus.SENT
        _submit_effects(fresh, actor, "submit")
        fresh.lock_version += 1
        fresh.save()
        change_record(user=actor.user, instance=fresh, operation="update", before=before,
                      after=snapshot(fresh, HISTORY_FIELDS), organization_id=actor.organization_id,
                      reason="提出")
        access_log(user=actor.user, action="sheet_record_submit",
                   basis=sheet_policy.basis_for(actor, fresh), organization_id=actor.organization_id,
                   object_type="sheet_record", object_id=fresh.pk, person_id=fresh.person_id)
        if fresh.definition.is_routed:
            SHEET_ROUTED.emit(municipality_id=fresh.municipality_id, record_id=fresh.pk, urgency=str(fresh.answers.get("urgency", "")))
    return fresh


def _require_editor(actor: Actor, record: SheetRecord) -> None:
    if record.status != RecordStatus.SUBMITTED:
        raise PermissionDenied("下書きはそのまま編集してください。")
    if actor.role == Role.LIAISON or not sheet_policy.can_write(actor, record.definition.code) \
            or record.organization_id != actor.organization_id:
        raise PermissionDenied("提出済みの記録を修正できるのは記録した機関の相談員だけです。")


def record_edit_submitted(*, actor: Actor | None, record: SheetRecord,
                          answers: dict[str, Any], reason: str, lock_version: int | None,
                          tags: Iterable[str] | None = None, written_on: dt.date | str | None = None,
                          sensitive_keys: Iterable[str] | None = None) -> SheetRecord:
    """Change a submitted record; the reason and the field-level diff go to the history."""
    if actor is None:
        raise PermissionDenied("この記録を修正する権限がありません。")
    _require_editor(actor, record)
    reason_errors = {} if (reason or "").strip() else {"reason": [messages.REQUIRED]}
    with transaction.atomic():
        fresh = _locked(record, lock_version)
        before = snapshot(fresh, HISTORY_FIELDS)
        try:
            _apply_answers(actor, fresh, answers, submit=True, tags=tags, written_on=written_on,
                           sensitive_keys=sensitive_keys)
        except ValidationError as exc:  # every error at once, the reason's too
            raise ValidationError({**reason_errors, **exc.message_dict}) from exc
        if reason_errors:
            raise ValidationError(reason_errors)
        _submit_effects(fresh, actor, "edit")
        fresh.lock_version += 1
        fresh.save()
        change_record(user=actor.user, instance=fresh, operation="update", before=before,
                      after=snapshot(fresh, HISTORY_FIELDS), organization_id=actor.organization_id,
                      reason=reason.strip())
        access_log(user=actor.user, action="sheet_record_edit",
                   basis=sheet_policy.basis_for(actor, fresh), organization_id=actor.organization_id,
                   object_type="sheet_record", object_id=fresh.pk, person_id=fresh.person_id,
                   detail=reason.strip())
    return fresh


def record_discard_draft(*, actor: Actor | None, record: SheetRecord) -> None:
    """Delete one's own draft (a submitted record is never deleted)."""
    if actor is None:
        raise PermissionDenied("この下書きを削除する権限がありません。")
    _require_author_draft(actor, record)
    with transaction.atomic():
        change_record(user=actor.user, instance=record, operation="delete",
                      before=snapshot(record, HISTORY_FIELDS), after={},
                      organization_id=actor.organization_id, reason="下書きの削除")
        attachments.attachments_discard(record=record)
        record.delete()


def liaison_status_set(*, actor: Actor | None, record: SheetRecord, status: str) -> SheetRecord:
    """つなぐシート routing: sent → received → in_progress → connected → done (coordinators)."""
    if actor is None or actor.role != Role.COORDINATOR:
        raise PermissionDenied("受付状況を変更できるのは相談支援包括化推進員だけです。")
    if not record.definition.is_routed or record.status != RecordStatus.SUBMITTED:
        raise ValidationError({"status": ["この記録には受付状況がありません。"]})
    if status not in ROUTE_ORDER:
        raise ValidationError({"status": ["受付状況の値が正しくありません。"]})
    if ROUTE_ORDER.index(status) <= ROUTE_ORDER.index(record.route_status or "sent"):
        raise ValidationError({"status": ["受付状況は先へ進めることだけができます。"]})
    with transaction.atomic():
        fresh = _locked(record, None)
        before = snapshot(fresh, ["route_status"])
        fresh.route_status = status
        fresh.lock_version += 1
        fresh.save(update_fields=["route_status", "lock_version", "updated_at"])
        change_record(user=actor.user, instance=fresh, operation="update", before=before,
                      after=snapshot(fresh, ["route_status"]), organization_id=actor.organization_id,
                      reason="受付状況の変更")
    return fresh
