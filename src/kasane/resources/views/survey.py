"""居場所調査 round trip screens: sheet download, upload, review (diff) and accept/reject."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kasane.audit.models import Basis
from kasane.audit.services import access_log
from kasane.core.forms import add_service_errors, perform

from .. import policy, selectors, survey
from ..forms import UploadForm
from ..models import PlaceChange
from .places import editor, place_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
@require_GET
def sheet(request: HttpRequest, place_id: int) -> HttpResponse:
    """The pre-filled survey sheet of one place."""
    actor = editor(request)
    place = place_or_404(actor, place_id)
    access_log(user=actor.user, action="resources.survey.export", basis=Basis.NOT_PERSONAL,
               organization_id=actor.organization_id, object_type="resources.Place",
               object_id=place.pk)
    return _xlsx(survey.workbook([place]), f"survey-{place.pk}.xlsx")


@login_required
@require_GET
def sheets_all(request: HttpRequest) -> HttpResponse:
    """Every place's sheet in one workbook (one sheet per place), for a yearly round."""
    actor = editor(request)
    places = list(selectors.places(policy.tenant_id(actor)).exclude(status="closed"))
    if not places:  # an empty workbook cannot be saved (and would be no survey)
        messages.info(request, "調査票にする社会資源がまだありません。先に社会資源を登録してください。")
        return redirect("resources:index")
    access_log(user=actor.user, action="resources.survey.export", basis=Basis.NOT_PERSONAL,
               organization_id=actor.organization_id, object_type="resources.Place",
               detail=f"{len(places)}件")
    return _xlsx(survey.workbook(places), "survey-all.xlsx")


@login_required
def changes(request: HttpRequest) -> HttpResponse:
    """Upload returned sheets; review the pending changes as a diff."""
    actor = editor(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            staged = survey.survey_import(actor=actor, stream=upload, name=upload.name)
        except ValidationError as exc:
            add_service_errors(form, ValidationError({"file": exc.messages}))
        else:
            messages.success(request, f"取り込みました。変更の提案 {len(staged)}件を確認してください。")
            return redirect("resources:changes")
    pending = list(selectors.pending_changes(policy.tenant_id(actor)))
    for change in pending:
        change.rows = [(survey.LABELS.get(k, k), c["old"], c["new"])  # type: ignore[attr-defined]
                       for k, c in change.changes.items()]
    return render(request, "resources/changes.html", {"form": form, "pending": pending},
                  status=400 if form.errors else 200)


def _change(request: HttpRequest, change_id: int) -> tuple[object, PlaceChange]:
    actor = editor(request)
    change = selectors.pending_change(policy.tenant_id(actor), change_id)
    if change is None:
        raise Http404("この変更の提案は処理済みか、見つかりません。")
    return actor, change


@login_required
@require_POST
def accept(request: HttpRequest, change_id: int) -> HttpResponse:
    actor, change = _change(request, change_id)
    publish = request.POST.get("publish") == "1"
    ok = perform(request, lambda: survey.change_accept(actor=actor, change=change,  # type: ignore[arg-type]
                                                       publish=publish),
                 "反映して公開しました。" if publish else "反映しました。")
    return redirect("resources:detail", change.place_id) if ok else redirect("resources:changes")


@login_required
@require_POST
def reject(request: HttpRequest, change_id: int) -> HttpResponse:
    actor, change = _change(request, change_id)
    perform(request, lambda: survey.change_reject(actor=actor, change=change),  # type: ignore[arg-type]
            "却下しました（場所の情報は変わりません）。")
    return redirect("resources:changes")
