"""帳票: choose a sheet, fill it (drafts autosave), submit, view, print, route つなぐシート."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.core.pdf import html_to_pdf

from .. import attachments, display, formdata, masking, selectors, services
from .. import policy as sheet_policy
from ..models import RecordStatus, RouteStatus, SheetRecord
from ..schema import TAGS
from ._common import actor_of, error_dict, header_from_post, lock_version, ref_options


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
def new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    record = services.record_create_draft(actor=actor, code=request.POST.get("code", ""))
    return redirect("sheets:edit", pk=record.pk)


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
                  errors: dict[str, str], header: dict[str, Any] | None = None) -> dict[str, Any]:
    header = header or {}
    schema = record.definition.schema
    return {
        "record": record, "definition": record.definition,
        "sections": formdata.sections(schema, answers, errors, ref_options(actor), selectors.record_thumbnails(record)),
        "upload_names": ",".join(formdata.upload_names(schema)),
        "accept": attachments.ACCEPT,
        "errors": errors, "error_count": len(errors),
        "tags": [(k, v, k in header.get("tags", record.tags)) for k, v in TAGS.items()],
        "written_on": header.get("written_on", record.written_on),
        "sensitive_fields": [(f["key"], f["label"],
                              f["key"] in header.get("sensitive_keys", record.sensitive_keys))
                             for f in record.definition.fields if f.get("sensitive_allowed")],
        "is_draft": record.status == RecordStatus.DRAFT,
        "reason": header.get("reason", ""),
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    record = sheet_policy.require_record(actor=actor, pk=pk, action="sheet_record_edit_view")
    is_draft = record.status == RecordStatus.DRAFT
    sheet_policy.require_edit_record(actor, record)
    if request.method == "GET":
        return render(request, "sheets/form.html", _form_context(actor, record, record.answers, {}))
    answers = formdata.answers_from_post(record.definition.schema, request.POST)
    header, errors = header_from_post(request)
    errors.update(_attach_uploads(actor, record, answers, request))
    header["reason"] = request.POST.get("reason", "")
    action = request.POST.get("_action", "save")
    if action.startswith(("add:", "remove:", "detach:")):
        answers = formdata.apply_action(answers, action)
        action = "save" if is_draft else "rows"
    try:
        if errors:
            raise ValidationError({k: [v] for k, v in errors.items()})
        # A draft is its author's alone and the form posts every field, so an explicit save or
        # submit wins over this page's own autosave still in flight; submitted records are
        # shared by the organization and keep the optimistic lock.
        kwargs = {"tags": header["tags"], "written_on": header.get("written_on"),
                  "sensitive_keys": header["sensitive_keys"],
                  "lock_version": None if is_draft else lock_version(request)}
        if action == "rows":
            pass
        elif not is_draft:
            services.record_edit_submitted(actor=actor, record=record, answers=answers,
                                           reason=header["reason"], **kwargs)
            messages.success(request, "修正を保存しました（履歴に残ります）。")
            return redirect("sheets:detail", pk=record.pk)
        elif action == "submit":
            services.record_submit(actor=actor, record=record, answers=answers, **kwargs)
            messages.success(request, "提出しました。")
            return redirect("sheets:detail", pk=record.pk)
        else:
            record = services.record_autosave(actor=actor, record=record, answers=answers, **kwargs)
            if not request.POST.get("_action", "").startswith(("add:", "remove:", "detach:")):
                messages.success(request, "下書きを保存しました。")
                return redirect("sheets:edit", pk=record.pk)
    except ValidationError as exc:
        record.refresh_from_db()
        ctx = _form_context(actor, record, answers, error_dict(exc), header)
        return render(request, "sheets/form.html", ctx, status=400)
    record.refresh_from_db()
    return render(request, "sheets/form.html", _form_context(actor, record, answers, {}, header))


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    record = sheet_policy.require_record(actor=actor, pk=pk, action="sheet_record_autosave")
    answers = formdata.answers_from_post(record.definition.schema, request.POST)
    header, errors = header_from_post(request)
    ctx: dict[str, Any] = {"record": record}
    try:
        if errors:
            raise ValidationError({k: [v] for k, v in errors.items()})
        record = services.record_autosave(
            actor=actor, record=record, answers=answers, lock_version=lock_version(request),
            tags=header["tags"], written_on=header.get("written_on"),
            sensitive_keys=header["sensitive_keys"])
        ctx.update(record=record, saved=True)
    except ValidationError as exc:
        ctx["errors"] = error_dict(exc)
    return render(request, "sheets/_autosave.html", ctx)


def _detail_context(actor: Actor, record: SheetRecord) -> dict[str, Any]:
    masks = masking.record_masks(actor, record)
    labels = selectors.ref_labels(municipality_id=record.municipality_id)
    return {"record": record, "definition": record.definition,
            "sections": display.sections(record.definition.schema, record.answers, labels, masks,
                                         thumbs=selectors.record_thumbnails(record)),
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
    if record.definition.code == "nine_grid":
        ctx["grid"] = display.nine_grid(ctx["sections"])
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
