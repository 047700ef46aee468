"""「帳票を書く」 about a known person: a draft that starts with the person block filled from the
record (``services.record_create`` with ``person_id``; ``person_prefill``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from kasane.core.ids import as_id

from .. import policy as sheet_policy
from .. import services
from ._common import actor_of


@login_required
@require_POST
def write_for(request: HttpRequest) -> HttpResponse:
    """POST ``code``, ``person_id`` and optionally ``case_id`` (the case page): the person
    must be visible (``require_person`` inside ``record_create``: a logged denial and 404
    otherwise) and the case one the actor reaches (involvement or a meeting grant)."""
    code = request.POST.get("code", "")
    actor = sheet_policy.require_write(actor_of(request), code)
    person_id = as_id(request.POST.get("person_id"))
    case_id = as_id(request.POST.get("case_id")) or None
    if not person_id:
        raise Http404("本人が見つかりません。")
    record = services.record_create(actor=actor, code=code, person_id=person_id,
                                    case_id=case_id, submit=False)
    messages.success(request, "本人の情報を記録から入れた下書きを作りました。")
    return redirect("sheets:edit", pk=record.pk)
