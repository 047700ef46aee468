"""「この帳票から作成」: retry a failed link, confirm a pending one (``sheets.links``).

Both need the record to be visible (``sheet_policy.require_record``, logged); retrying is for
the recording organization's case staff and 推進員; a confirmation is checked by the owning
app's services (主担当 for a closure, 推進員 for attaching to an open case …)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from kasane.accounts.models import CASE_ROLES, Role

from .. import links
from .. import policy as sheet_policy
from ..models import DerivationStatus
from ._common import actor_of


@login_required
@require_POST
def retry(request: HttpRequest, pk: int, derivation_id: int) -> HttpResponse:
    actor = actor_of(request)
    record = sheet_policy.require_record(actor=actor, pk=pk, action="sheet_record_derive")
    if actor.role not in CASE_ROLES or (actor.organization_id != record.organization_id
                                        and actor.role != Role.COORDINATOR):
        raise PermissionDenied("再実行できるのは記録した機関の職員または推進員です。")
    try:
        row = links.retry(actor=actor, record=record, derivation_id=derivation_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if row.status == DerivationStatus.DONE:
            messages.success(request, f"{row.label}を作成しました。")
        else:
            messages.error(request, f"まだ作成できません: {row.message}")
    return redirect("sheets:detail", pk=pk)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int, derivation_id: int) -> HttpResponse:
    actor = actor_of(request)
    record = sheet_policy.require_record(actor=actor, pk=pk, action="sheet_record_derive")
    try:
        row = links.confirm(actor=actor, record=record, derivation_id=derivation_id)
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, f"{row.label}を作成しました。")
    return redirect("sheets:detail", pk=pk)
