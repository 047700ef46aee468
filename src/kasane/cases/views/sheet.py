"""Open a case from a sheet record (button 「この帳票からケースを開く」 on the record page).

A record naming no Person yet (a 連絡員's つなぐシート) is first bound by a coordinator: choose
a person from an access-scoped search (``people.selectors.person_search``) or register one from
the sheet's person block — both through ``sheets.person_binding.bind_record_person``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.core.forms import form_page
from kasane.people.presenters import person_views
from kasane.people.selectors import person_search
from kasane.sheets import masking, person_binding
from kasane.sheets import policy as sheet_policy

from .. import services
from ..forms import OpenFromSheetForm
from .cases import acting


def _record(member: Actor, record_id: int, action: str) -> Any:
    record = sheet_policy.require_record(actor=member, pk=record_id, action=action)
    if not services.is_source(record):
        raise Http404("この帳票からはケースを開けません。")
    return record


def _block(member: Actor, record: Any) -> dict[str, Any]:
    """The record's person block as the actor may see it (閲覧制限 / 機微 masking applied)."""
    field = next((f for f in record.definition.fields if f["type"] == "person"), None)
    if field is None:
        return {}
    answers = {field["key"]: record.answers.get(field["key"]) or record.person_snapshot or {}}
    block = masking.mask_answers(answers, masking.record_masks(member, record))[field["key"]]
    if not isinstance(block, dict):
        return {}
    return {sub["label"]: block[sub["key"]] for sub in field.get("fields", [])
            if block.get(sub["key"]) not in (None, "", [], {})}


@login_required
def from_record(request: HttpRequest, record_id: int) -> HttpResponse:
    member = acting(request)
    record = _record(member, record_id, "sheet_record_case_open")
    if record.case_id is not None:
        messages.info(request, f"この帳票からはすでにケース#{record.case_id}が開始されています。")
        return redirect("cases:detail", record.case_id)
    context: dict[str, Any] = {"record": record, "person_block": _block(member, record),
                               "may_bind": sheet_policy.can_bind_person(member)}
    if record.person_id is None:
        snapshot = record.answers.get("person") or record.person_snapshot or {}
        q = request.GET.get("q") or " ".join(
            str(snapshot.get(k) or "") for k in ("family_name", "given_name")).strip()
        context.update(q=q, results=person_search(member, q, limit=20) if q and context["may_bind"] else None,
                       may_create=bool(snapshot.get("family_name")))
        return render(request, "cases/from_record_bind.html", context)
    person = policy.visible_persons(member).filter(pk=record.person_id).select_related(
        "created_by_org").first()
    context["chosen"] = person_views(member, [person]) if person else []
    form = OpenFromSheetForm(request.POST or None, initial=services.prefill(record))

    def act(d: dict[str, Any]) -> str:
        case = services.case_open_from_record(actor=member, record=record,
                                                     summary=d["summary"], triage=d["triage"],
                                                     tags=d["tags"])
        messages.success(request, f"帳票からケース#{case.pk}を受付しました。")
        return reverse("cases:detail", args=[case.pk])

    return form_page(request, form, act, template="cases/from_record.html", context=context,
                     success="")


@login_required
@require_POST
def bind(request: HttpRequest, record_id: int) -> HttpResponse:
    member = acting(request)
    record = _record(member, record_id, "sheet_record_bind")
    raw = request.POST.get("person_id", "")
    if request.POST.get("do") != "create" and not raw.isdigit():
        messages.error(request, "結び付ける本人を選んでください。")
        return redirect("cases:from_record", record.pk)
    try:
        person = person_binding.bind_record_person(
            actor=member, record=record,
            person_id=None if request.POST.get("do") == "create" else int(raw))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"帳票を本人（{person.full_name}）に結び付けました。")
    return redirect("cases:from_record", record.pk)
