"""The national report's submission workflow screens (B.4) and the background files of the
long reports: each a POST that calls one service and goes back to /stats/national/ (or to the
file's progress page). The page itself is ``views.national_report``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from kasane.accounts.http import membership_of
from kasane.audit.models import Basis
from kasane.core.forms import Form, perform
from kasane.core.wareki import fiscal_year_label
from kasane.exports.services import job_start

from . import export_kinds, submission
from . import policy as stats_policy
from .forms import ConfirmForm, ExportForm, ManualValueForm, TransitionForm
from .models import SubmissionStatus
from .views import _year

LABELS = {"to_status": "段階", "reason": "戻す理由", "comment": "コメント", "value": "値",
          "code": "番号"}


def _back(fy: int) -> HttpResponse:
    return redirect(f"{reverse('stats:national')}?fiscal_year={fy}#submission")


def _form_errors(request: HttpRequest, form: Form) -> None:
    for name, errors in form.errors.items():
        label = LABELS.get(name, "")
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _post(request: HttpRequest, fy: int, form: Form,
          action: Callable[[dict[str, Any]], object], done: Callable[[dict[str, Any]], str]) -> HttpResponse:
    """Validate ``form``; if valid, run ``action(cleaned_data)`` through ``perform`` (its
    refusals as messages) with the message ``done(cleaned_data)``; back to the report."""
    if not form.is_valid():
        _form_errors(request, form)
    else:
        data = form.cleaned_data
        perform(request, lambda: action(data), done(data), labels=LABELS)
    return _back(fy)


@login_required
@require_POST
def national_transition(request: HttpRequest) -> HttpResponse:
    """事務局: move the 年度's report on (機関確認・確定・提出) or back with a reason."""
    actor = stats_policy.require_submission_manager(membership_of(request))
    fy = _year(request)
    return _post(request, fy, TransitionForm(request.POST),
                 lambda d: submission.edition_transition(
                     actor=actor, fiscal_year=fy, to_status=d["to_status"], reason=d["reason"]),
                 lambda d: f"「{SubmissionStatus(d['to_status']).label}」にしました。")


@login_required
@require_POST
def national_confirm(request: HttpRequest) -> HttpResponse:
    """An organization's 推進員: confirm the figures counted from the cases it leads."""
    actor = stats_policy.require_confirmer(membership_of(request))
    fy = _year(request)
    return _post(request, fy, ConfirmForm(request.POST),
                 lambda d: submission.confirmation_save(
                     actor=actor, fiscal_year=fy, organization=actor.organization,
                     comment=d["comment"]),
                 lambda d: f"{actor.organization.name}の数字を確認しました。")


@login_required
@require_POST
def national_manual(request: HttpRequest) -> HttpResponse:
    """事務局: type the value of a cell without a records source (予算 …) with its note."""
    actor = stats_policy.require_submission_manager(membership_of(request))
    fy = _year(request)
    return _post(request, fy, ManualValueForm(request.POST),
                 lambda d: submission.manual_value_save(
                     actor=actor, fiscal_year=fy, code=d["code"], value=d["value"],
                     note=d["note"]),
                 lambda d: f"{d['code']} の値を保存しました。")


@login_required
@require_POST
def national_export(request: HttpRequest) -> HttpResponse:
    """The national report (Excel / CSV) as a background file: answers at once with the
    progress page; the file is downloaded from there when ready."""
    actor = stats_policy.require_national(membership_of(request))
    fy = _year(request)
    form = ExportForm(request.POST)
    fmt = form.cleaned_data["format"] if form.is_valid() else ""
    if fmt not in export_kinds.NATIONAL_KIND:
        messages.error(request, "形式は Excel か CSV を選んでください。")
        return _back(fy)
    job = job_start(actor=actor, kind=export_kinds.NATIONAL_KIND[fmt],
                    params={"fiscal_year": fy},
                    title=f"国への報告 {fiscal_year_label(fy)}（{fmt.upper()}）",
                    filename=f"national_{fy}.{fmt}", content_type=export_kinds.CONTENT_TYPES[fmt],
                    basis=Basis.NOT_PERSONAL,
                    back_url=f"{reverse('stats:national')}?fiscal_year={fy}")
    return redirect("exports:detail", pk=job.pk)


@login_required
@require_POST
def model_report_export(request: HttpRequest) -> HttpResponse:
    """The model-project report (.docx / PDF) as a background file."""
    actor = stats_policy.require_national(membership_of(request))
    fy = _year(request)
    form = ExportForm(request.POST)
    fmt = form.cleaned_data["format"] if form.is_valid() else ""
    back = f"{reverse('stats:model_report')}?fiscal_year={fy}"
    if fmt not in export_kinds.MODEL_REPORT_KIND:
        messages.error(request, "形式は Word か PDF を選んでください。")
        return redirect(back)
    job = job_start(actor=actor, kind=export_kinds.MODEL_REPORT_KIND[fmt],
                    params={"fiscal_year": fy},
                    title=f"モデル事業実施報告 {fiscal_year_label(fy)}（{fmt.upper()}）",
                    filename=f"model_report_{fy}.{fmt}",
                    content_type=export_kinds.CONTENT_TYPES[fmt], basis=Basis.NOT_PERSONAL,
                    back_url=back)
    return redirect("exports:detail", pk=job.pk)
