"""帳票: choose a sheet, fill it (drafts autosave), submit, view, print, route つなぐシート."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.core.pdf import html_to_pdf
from kasane.core.wareki import format_wareki

from .. import attachments, display, formdata, masking, selectors, services, validation
from .. import policy as sheet_policy
from ..models import RecordStatus, RouteStatus, SheetRecord
from ..schema import TAGS
from ._common import actor_of, error_dict, header_from_post, lock_version, ref_options, today


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    sheet_policy.require_sheet_user(actor)
    definitions = [d for d in selectors.definitions_current(
        municipality_id=actor.organization.municipality_id) if sheet_policy.can_write(actor, d.code)]
    visible = sheet_policy.visible_records(actor).select_related("definition", "author",
                                                                 "organization")
    drafts = list(visible.filter(status=RecordStatus.DRAFT, author_id=actor.user_id)[:50])
    code = request.GET.get("sheet", "")
    submitted = visible.filter(status=RecordStatus.SUBMITTED)
    if code:
        submitted = submitted.filter(definition__code=code)
    records = list(submitted.order_by("-submitted_at", "-pk")[:50])
    sheet_policy.log_records_listed(actor=actor, records=drafts + records)
    return render(request, "sheets/index.html", {
        "definitions": definitions, "drafts": drafts, "records": records, "sheet": code,
        "is_liaison": not sheet_policy.can_exchange(actor),
        "may_edit_definitions": sheet_policy.can_edit_definitions(actor)})


@login_required
@require_POST
def new_choose(request: HttpRequest) -> HttpResponse:
    """The sheet list's old button (a POST with ``code``): opens the unsaved form."""
    return redirect("sheets:new", code=request.POST.get("code", "") or "-", permanent=False)


def _attach_uploads(actor: Actor, record: SheetRecord, answers: dict[str, Any],
                    request: HttpRequest) -> dict[str, str]:
    """Files chosen in ``<key>.__upload`` inputs become attachments of ``record`` and are
    added to ``answers``; a refused file gives an error at its field (nothing else is lost)."""
    errors: dict[str, str] = {}
    for key in attachments.file_fields(record.definition.schema):
        for upload in request.FILES.getlist(f"{key}.__upload"):
            try:
                att = attachments.attachment_upload(actor=actor, record=record, field_key=key,
                                                    upload=upload)
            except ValidationError as exc:
                errors[key] = f"{upload.name}: {' '.join(exc.messages)}"
                continue
            items = [i for i in answers.get(key) or [] if isinstance(i, dict)]
            if att.pk not in {i.get("id") for i in items}:
                items.append(att.as_answer())
            answers[key] = items
    return errors


def _form_context(actor: Actor, record: SheetRecord, answers: dict[str, Any],
                  errors: dict[str, str], header: dict[str, Any] | None = None, *,
                  soft: bool = False, form_key: str = "") -> dict[str, Any]:
    """``errors``: short messages by field path, shown beside the fields and named in the
    summary on top — refused (a failed submit) or, ``soft``, what to fix before submitting
    (a draft as saved). ``record`` may be unsaved (a new form: ``form_key``)."""
    header = header or {}
    definition = record.definition
    schema = definition.schema
    written = header.get("written_on") or record.draft_answers.get(services.TYPED_WRITTEN_ON) \
        or record.written_on
    is_new = record.pk is None
    return {
        "record": record, "definition": definition, "is_new": is_new, "form_key": form_key,
        "form_action": reverse("sheets:new", args=[definition.code]) if is_new
        else reverse("sheets:edit", args=[record.pk]),
        "autosave_url": reverse("sheets:new_autosave", args=[definition.code]) if is_new
        else reverse("sheets:autosave", args=[record.pk]),
        "sections": formdata.sections(schema, answers, errors, ref_options(actor, definition.code),
                                      {} if is_new else selectors.record_thumbnails(record)),
        "upload_names": ",".join(formdata.upload_names(schema)),
        "accept": attachments.ACCEPT,
        "errors": errors, "error_count": len(errors), "soft": soft,
        "summary": validation.named(schema, errors, services.HEADER_LABELS),
        "tags": [(k, v, k in header.get("tags", record.tags)) for k, v in TAGS.items()],
        "written_on": written,
        "written_on_value": written if isinstance(written, str) else format_wareki(written),
        "sensitive_fields": [(f["key"], f["label"],
                              f["key"] in header.get("sensitive_keys", record.sensitive_keys))
                             for f in definition.fields if f.get("sensitive_allowed")],
        "is_draft": record.status == RecordStatus.DRAFT,
        "reason": header.get("reason", ""),
    }


def _blank(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    if isinstance(value, list):
        return all(_blank(v) for v in value)
    return value is None or (isinstance(value, str) and not value.strip())


def _typed(answers: dict[str, Any], prefill: dict[str, Any], request: HttpRequest) -> bool:
    """Has anything been typed on an unsaved form (beyond what it started with)?"""
    if any(f for key in request.FILES for f in request.FILES.getlist(key)):
        return True
    return any(not _blank(v) and str(v) != str(prefill.get(k, "")) for k, v in answers.items())


def _render_form(request: HttpRequest, ctx: dict[str, Any], status: int = 200) -> HttpResponse:
    if ctx["form_action"] != request.path:  # a new form's refused submit: now the draft's page
        ctx["replace_url"] = ctx["form_action"]
    return render(request, "sheets/form.html", ctx, status=status)


def _form_post(request: HttpRequest, actor: Actor, record: SheetRecord | None,
               code: str) -> HttpResponse:
    """A plain POST of the sheet form: 下書き保存, 提出する, a row added or removed, a file
    taken off, or 修正を保存 of a submitted record. ``record`` None: the unsaved form of
    ``code`` (its first save creates the draft)."""
    definition = record.definition if record is not None else selectors.definition_current(
        municipality_id=actor.organization.municipality_id, code=code)
    shown = record or SheetRecord(definition=definition, written_on=today(),
                                  tags=list(definition.schema.get("tags", [])))
    form_key = request.POST.get("_form_key", "")[:32]
    answers = formdata.answers_from_post(definition.schema, request.POST)
    header = header_from_post(request)
    action = request.POST.get("_action", "save")
    rows = action.startswith(("add:", "remove:", "detach:"))
    if rows:
        answers = formdata.apply_action(answers, action)
    kwargs: dict[str, Any] = {"tags": header["tags"], "written_on": header["written_on"],
                              "sensitive_keys": header["sensitive_keys"]}
    if record is not None and record.status != RecordStatus.DRAFT:
        errors = _attach_uploads(actor, record, answers, request)
        try:
            if rows:
                pass
            elif errors:
                raise ValidationError({k: [v] for k, v in errors.items()})
            else:
                services.record_edit_submitted(actor=actor, record=record, answers=answers,
                                               reason=header["reason"],
                                               lock_version=lock_version(request), **kwargs)
                messages.success(request, "修正を保存しました（履歴に残ります）。")
                return redirect("sheets:detail", pk=record.pk)
        except ValidationError as exc:
            record.refresh_from_db()
            return _render_form(request, _form_context(actor, record, answers, error_dict(exc),
                                                       header), 400)
        record.refresh_from_db()
        return _render_form(request, _form_context(actor, record, answers, {}, header))
    if record is None and (rows or not _typed(
            answers, services.prefill_answers(definition, actor), request)):
        # nothing typed yet (or only the rows changed): nothing is created
        if not rows:
            messages.info(request, "まだ何も入力されていません。")
        return _render_form(request, _form_context(actor, shown, answers, {}, header,
                                                   form_key=form_key))
    # A draft is its author's alone and the form posts every field, so an explicit save or
    # submit wins over this page's own autosave still in flight (no lock version).
    saved = services.record_draft_save(actor=actor, record=record, code=definition.code,
                                       form_key=form_key, answers=answers, **kwargs)
    record = saved.record
    upload_errors = _attach_uploads(actor, record, answers, request)
    if request.FILES:
        saved = services.record_draft_save(actor=actor, record=record, answers=answers, **kwargs)
        record = saved.record
    if upload_errors:
        return _render_form(request, _form_context(actor, record, answers,
                                                   {**saved.problems, **upload_errors}, header),
                            400)
    if rows:
        return _render_form(request, _form_context(actor, record, answers, saved.problems,
                                                   header, soft=True))
    if action == "submit":
        try:
            services.record_submit(actor=actor, record=record, lock_version=None)
        except ValidationError as exc:
            record.refresh_from_db()
            return _render_form(request, _form_context(actor, record, record.typed_answers,
                                                       error_dict(exc), header), 400)
        messages.success(request, "提出しました。")
        return redirect("sheets:detail", pk=record.pk)
    messages.success(request, _saved_text(len(saved.problems)))
    return redirect("sheets:edit", pk=record.pk)


def _saved_text(problems: int) -> str:
    if not problems:
        return "下書きを保存しました。"
    return f"下書きを保存しました（提出前に直す項目が{problems}件あります）。"


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, code: str) -> HttpResponse:
    """The empty form of a sheet: nothing is stored until something is typed — its first
    autosave or save creates the draft (and the address becomes the draft's)."""
    actor = sheet_policy.require_write(actor_of(request), code)
    if request.method == "POST":
        # the form's autosave may have created the draft already: then this is its page
        pk = selectors.draft_of_form(actor=actor, form_key=request.POST.get("_form_key", ""))
        record = None if pk is None else sheet_policy.require_record(
            actor=actor, pk=pk, action="sheet_record_edit_view")
        return _form_post(request, actor, record, code)
    definition = selectors.definition_current(
        municipality_id=actor.organization.municipality_id, code=code)
    blank = SheetRecord(definition=definition, written_on=today(),
                        tags=list(definition.schema.get("tags", [])))
    return _render_form(request, _form_context(
        actor, blank, services.prefill_answers(definition, actor), {},
        form_key=uuid.uuid4().hex))


@login_required
@require_POST
def new_autosave(request: HttpRequest, code: str) -> HttpResponse:
    """The unsaved form's autosave: the first one with something typed creates the draft
    (found again by the form's key afterwards) and moves the address to it."""
    actor = sheet_policy.require_write(actor_of(request), code)
    definition = selectors.definition_current(
        municipality_id=actor.organization.municipality_id, code=code)
    answers = formdata.answers_from_post(definition.schema, request.POST)
    form_key = request.POST.get("_form_key", "")
    if len(form_key) != 32 or (not request.POST.get("_lock_version") and not _typed(
            answers, services.prefill_answers(definition, actor), request)):
        return render(request, "sheets/_autosave.html", {"untouched": True})
    return _autosave(request, actor, None, definition.code, form_key, answers)


def _autosave(request: HttpRequest, actor: Actor, record: SheetRecord | None, code: str,
              form_key: str, answers: dict[str, Any]) -> HttpResponse:
    header = header_from_post(request)
    ctx: dict[str, Any] = {"record": record}
    try:
        saved = services.record_draft_save(
            actor=actor, record=record, code=code, form_key=form_key, answers=answers,
            lock_version=lock_version(request), tags=header["tags"],
            written_on=header["written_on"], sensitive_keys=header["sensitive_keys"])
    except ValidationError as exc:  # a stale form: someone saved this draft elsewhere
        ctx["errors"] = error_dict(exc)
        return render(request, "sheets/_autosave.html", ctx, status=409)
    schema = saved.record.definition.schema
    ctx.update(record=saved.record, saved=True, created=saved.created,
               problems=validation.named(schema, saved.problems, services.HEADER_LABELS))
    response = render(request, "sheets/_autosave.html", ctx)
    if saved.created:
        response["HX-Replace-Url"] = reverse("sheets:edit", args=[saved.record.pk])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    record = sheet_policy.require_record(actor=actor, pk=pk, action="sheet_record_edit_view")
    sheet_policy.require_edit_record(actor, record)
    if request.method == "POST":
        return _form_post(request, actor, record, record.definition.code)
    problems: dict[str, str] = {}
    if record.status == RecordStatus.DRAFT and record.draft_answers:
        problems = services.draft_problems(actor=actor, record=record)
    return _render_form(request, _form_context(actor, record, record.typed_answers, problems,
                                               soft=True))


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    record = sheet_policy.require_record(actor=actor, pk=pk, action="sheet_record_autosave")
    answers = formdata.answers_from_post(record.definition.schema, request.POST)
    return _autosave(request, actor, record, record.definition.code, "", answers)


def _detail_context(actor: Actor, record: SheetRecord) -> dict[str, Any]:
    masks = masking.record_masks(actor, record)
    labels = selectors.ref_labels(municipality_id=record.municipality_id)
    sections = display.sections(record.definition.schema, record.answers, labels, masks,
                                thumbs=selectors.record_thumbnails(record))
    return {"record": record, "definition": record.definition, "sections": sections,
            # 9マス: the 3×3 grid on the page and in the PDF (one layout, display.nine_grid)
            "grid": display.nine_grid(sections) if record.definition.code == "nine_grid" else None,
            "tag_labels": [TAGS.get(t, t) for t in record.tags],
            "restriction_masked": any(t == masking.RESTRICTION_MASK for t in masks.values()),
            "person_differences": _difference_labels(record)}


def _difference_labels(record: SheetRecord) -> list[str]:
    field = next((f for f in record.definition.fields if f["type"] == "person"), None)
    labels = {sub["key"]: sub["label"] for sub in (field or {}).get("fields", [])}
    return [labels.get(key, key) for key in record.person_differences]


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    record = sheet_policy.require_record(actor=actor, pk=pk)
    ctx = _detail_context(actor, record)
    ctx.update(
        history=selectors.record_history(record),
        may_edit=sheet_policy.can_edit_record(actor, record),
        may_route=sheet_policy.can_route(actor, record),
        route_choices=RouteStatus.choices,
        person_visible=record.person_id is not None
        and policy.person_basis(actor, record.person_id) is not None)
    return render(request, "sheets/detail.html", ctx)


@login_required
@require_GET
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from django.template.loader import render_to_string

    actor = actor_of(request)
    record = sheet_policy.require_record(actor=actor, pk=pk, action="sheet_record_print")
    ctx = {**_detail_context(actor, record), "pdf": True}
    html = render_to_string("sheets/record.pdf.html", ctx, request)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sheet-{record.pk}.pdf"'
    return response


@login_required
@require_POST
def route(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    record = sheet_policy.require_record(actor=actor, pk=pk, action="sheet_record_route")
    try:
        services.liaison_status_set(actor=actor, record=record, status=request.POST.get("status", ""))
        messages.success(request, "受付状況を更新しました。")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("sheets:detail", pk=pk)


@login_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    record = sheet_policy.require_record(actor=actor, pk=pk, action="sheet_record_discard")
    services.record_discard_draft(actor=actor, record=record)
    messages.success(request, "下書きを削除しました。")
    return redirect("sheets:index")
