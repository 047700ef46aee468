"""Statistics screens: the metric list for a period, one metric (definition, value, the
records behind it), the national report (screen, CSV, Excel) and its 点検 list. Figures shown
to 委員 are suppressed (B.5); lists of records go through ``cases.policy`` (stats/records.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kasane.accounts.http import membership_of
from kasane.core import metrics
from kasane.core.wareki import fiscal_year, format_wareki, parse_date

from . import dashboards, export_kinds, national, national_export, records, submission, svg
from . import model_report as model_report_module
from . import policy as stats_policy
from .models import STATUS_ORDER, SubmissionStatus
from .selectors import committee_hides, period_from, values_for
from .suppression import footnote
from .suppression import render as render_cell


def _date(text: str | None) -> dt.date | None:
    """A date typed as 和暦 (R6.4.1, 令和6年4月1日) or 西暦 (2024-04-01); None if unreadable."""
    try:
        return parse_date(text) if text else None
    except ValueError:
        return None


def _year(request: HttpRequest) -> int:
    text = request.GET.get("fiscal_year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 \
        else fiscal_year(timezone.localdate())


def _period(request: HttpRequest) -> tuple[metrics.Period, str]:
    """The period asked for (from/to, else fiscal_year, else this 年度) and an error text."""
    for name in ("from", "to"):
        if request.GET.get(name) and _date(request.GET.get(name)) is None:
            return metrics.Period.fiscal(_year(request)), \
                f"日付「{request.GET[name]}」を読み取れません。R6.4.1 や 2024-04-01 の形で入力してください。"
    try:
        return period_from(_date(request.GET.get("from")), _date(request.GET.get("to")),
                           _year(request) if request.GET.get("fiscal_year") else None), ""
    except ValueError as exc:
        return metrics.Period.fiscal(_year(request)), str(exc)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    member = stats_policy.require_read(membership_of(request))
    fy = _year(request)
    suppressed = stats_policy.must_suppress(member)
    rows = values_for(member.organization.municipality, fy, suppress=suppressed)
    return render(request, "stats/index.html", {
        "fiscal_year": fy, "metrics": rows,
        "suppressed": suppressed, "footnote": footnote(),
        "national": stats_policy.can_read_national(member)})


@login_required
def metric_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One metric: definition, periods and filters, its value for the period asked for and,
    for readers who may see records, the cases behind it (others see the count only)."""
    member = stats_policy.require_read(membership_of(request))
    if key not in metrics.METRICS:
        raise Http404("見つかりません。")
    metric = metrics.get(key)
    period, error = _period(request)
    filters = {name: request.GET[name] for name in metric.filters if request.GET.get(name)}
    figure = metrics.evaluate_period(key, municipality=member.organization.municipality,
                                     period=period, **filters)
    suppressed = stats_policy.must_suppress(member) and figure.ok and committee_hides(
        metric, member.organization.municipality, period, filters, figure.value)
    options = filter_options(member.organization.municipality)
    listing = None
    if figure.ok and not stats_policy.must_suppress(member):
        listing = records.drill(member, key, period, **filters)
    return render(request, "stats/metric.html", {
        "metric": metric, "period": period, "error": error, "figure": figure,
        "filter_fields": [(name, metrics.FILTERS.get(name, FILTER_LABELS.get(name, name)),
                           filters.get(name, ""), options.get(name))
                          for name in metric.filters], "suppressed": suppressed,
        "footnote": footnote(), "listing": listing,
        "from": format_wareki(period.start, "short"), "to": format_wareki(period.end, "short")})


FILTER_LABELS = {"main": "主訴（◎）だけ", "reached": "会えたか", "revision": "版", "reason": "終結理由",
                 "watch": "見守り継続"}


def filter_options(municipality: Any) -> dict[str, list[tuple[str, str]]]:
    """Choices of the drill-down's filters that have a fixed vocabulary (the others are typed)."""
    from kasane.areas.models import AreaKind
    from kasane.areas.selectors import areas
    from kasane.cases import problems
    from kasane.cases.metrics import AREA_UNSET
    from kasane.cases.models import ProjectTag

    return {
        "area": [(a.code, f"{a.code} {a.name}") for a in areas(municipality, AreaKind.DAILY_LIFE_AREA)]
        + [(AREA_UNSET, "未設定")],
        "problem": list(problems.categories()),
        "main": [("yes", "◎ 主訴のみ"), ("no", "○ すべて")],
        "age_band": [(b, f"{b}歳") for b in metrics.AGE_BANDS],
        "tag": [(str(v), str(label)) for v, label in ProjectTag.choices],
        "reached": [("yes", "会えた・話せた"), ("no", "会えなかった")],
    }


@login_required
def national_report(request: HttpRequest) -> HttpResponse:
    """The national report of a 年度 with its submission workflow (status bar, buttons per
    role, confirmations with comments, history, typed cells, live vs frozen values and
    確定後追加). ``&format=csv|xlsx`` answers the file directly (the frozen values once 確定);
    the screen's buttons make it in the background (``submit_views.national_export``)."""
    member = stats_policy.require_national(membership_of(request))
    fy = _year(request)
    municipality = member.organization.municipality
    fmt = request.GET.get("format", "")
    try:
        if fmt in ("csv", "xlsx"):
            body = export_kinds.national_file(municipality, fy, fmt)
        else:
            figures = national.national_report(municipality, fy)
    except national.FutureYear as exc:
        return render(request, "stats/national.html", {"fiscal_year": fy, "error": str(exc),
                                                       "sections": []}, status=422)
    if fmt in ("csv", "xlsx"):
        response = HttpResponse(body, content_type="text/csv; charset=utf-8" if fmt == "csv"
                                else "application/vnd.openxmlformats-officedocument."
                                     "spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="national_{fy}.{fmt}"'
        return response
    return render(request, "stats/national.html", {
        "fiscal_year": fy, "note": national.OVERLAP_NOTE, "error": "",
        "title": national_export.title(municipality, fy),
        **submission_context(member, fy, figures)})


def submission_context(member: Any, fy: int, figures: list[dict[str, Any]]) -> dict[str, Any]:
    """The workflow part of the national page: what each role may do now."""
    edition = submission.edition_of(member.organization.municipality, fy)
    frozen = {f["code"]: f for f in edition.frozen or []} if edition.is_frozen else {}
    sections: dict[str, list[dict[str, Any]]] = {}
    for f in figures:
        sections.setdefault(f["section"], []).append({**f, "frozen": frozen.get(f["code"])})
    manager = stats_policy.can_manage_submission(member)
    status = edition.status
    rows = submission.confirmation_rows(
        edition, submission.org_shares(member.organization.municipality, fy)) \
        if status == SubmissionStatus.ORG_CONFIRM else []
    index = edition.status_index
    steps = [{"status": s, "label": SubmissionStatus(s).label, "done": i < index,
              "current": i == index} for i, s in enumerate(STATUS_ORDER)]
    return {
        "sections": list(sections.items()), "edition": edition, "steps": steps,
        "is_frozen": edition.is_frozen, "can_manage": manager,
        "next_status": STATUS_ORDER[index + 1] if manager and index + 1 < len(STATUS_ORDER)
        else "",
        "next_label": SubmissionStatus(STATUS_ORDER[index + 1]).label
        if index + 1 < len(STATUS_ORDER) else "",
        "back_choices": [(s, SubmissionStatus(s).label) for s in STATUS_ORDER[:index]]
        if manager else [],
        "can_type": manager and index < STATUS_ORDER.index(SubmissionStatus.FINAL),
        "org_rows": rows,
        "mine": next((r for r in rows if r.organization.pk == member.organization_id), None),
        "can_confirm": status == SubmissionStatus.ORG_CONFIRM
        and stats_policy.can_confirm(member),
        "transitions": list(edition.transitions.select_related("by")) if edition.pk else [],
        "late": submission.late_additions(edition, figures),
    }


@login_required
def national_check(request: HttpRequest) -> HttpResponse:
    """点検: records of the 年度 the national report cannot place, each linked to its record
    when the reader may open it; the others counted per organization."""
    member = stats_policy.require_national(membership_of(request))
    fy = _year(request)
    return render(request, "stats/check.html", {
        "fiscal_year": fy, "groups": records.report_checks(member, fy),
        "missing": national.missing_metrics()})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Charts for a 年度 (server-side SVG), each with its table and a CSV (``?chart=&format=csv``)."""
    member = stats_policy.require_read(membership_of(request))
    fy = _year(request)
    only = request.GET.get("chart", "")
    if only and only not in dashboards.CHARTS:
        raise Http404("見つかりません。")
    suppress = stats_policy.must_suppress(member)
    charts = dashboards.build(member.organization.municipality, metrics.Period.fiscal(fy),
                              suppress=suppress, only=only)
    if only and request.GET.get("format") == "csv":
        return _chart_csv(charts[0], fy)
    drawn = [{"chart": c, "svg": (svg.hbar_chart if c.horizontal else svg.bar_chart)(
        c.labels, c.series, title=c.title, unit=c.unit) if c.series and not c.reason else ""}
        for c in charts]
    period = metrics.Period.fiscal(fy)
    indicators = [] if suppress or only else [
        (metrics.get(key), metrics.evaluate_period(key, municipality=member.organization.municipality,
                                                   period=period))
        for key in PROCESS_INDICATORS if key in metrics.METRICS]
    return render(request, "stats/dashboard.html", {
        "fiscal_year": fy, "charts": drawn, "suppressed": suppress, "footnote": footnote(),
        "indicators": indicators})


PROCESS_INDICATORS = ("cases.first_contact_days", "referrals.response_days",
                      "referrals.acceptance_rate", "outreach.reach_rate",
                      "outreach.relation_rate", "cases.direction_rate", "plans.coverage",
                      "cases.closed_rate", "cases.recontact_rate")
"""The aggregate process and outcome indicators under the charts (not for 委員: a rate over a
few cases could reveal them; the suppression of rates needs their numerators)."""


def _chart_csv(chart: dashboards.Chart, fy: int) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([chart.title, f"{fy}年度"])
    writer.writerow(["", *(name for name, _ in chart.series)])
    for label, values in chart.rows():
        writer.writerow([label, *(render_cell(v) for v in values)])
    writer.writerow(["合計", *(render_cell(v) for v in chart.totals)])
    response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chart.key}_{fy}.csv"'
    return response


@login_required
def model_report(request: HttpRequest) -> HttpResponse:
    """The model-project report (part C) for a 年度: 事務局 edit and export; 推進員 read."""
    member = stats_policy.require_national(membership_of(request))
    fy = _year(request)
    municipality = member.organization.municipality
    fmt = request.GET.get("format", "")
    if fmt in ("docx", "pdf"):
        body = model_report_module.to_docx(municipality, fy) if fmt == "docx" \
            else model_report_module.to_pdf(municipality, fy)
        response = HttpResponse(body, content_type="application/pdf" if fmt == "pdf" else
                                "application/vnd.openxmlformats-officedocument."
                                "wordprocessingml.document")
        response["Content-Disposition"] = f'attachment; filename="model_report_{fy}.{fmt}"'
        return response
    error = ""
    can_edit = stats_policy.can_edit_model_report(member)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("モデル事業報告を編集できるのは事務局です。")
        try:
            changed = model_report_module.save(member, fy, {
                f.key: request.POST.get(f.key, "") for f in model_report_module.FIELDS
                if f.key in request.POST})
        except ValueError as exc:
            error = str(exc)
        else:
            messages.success(request, f"{changed}項目を保存しました（変更のない項目はそのままです）。")
            return redirect(f"{request.path}?fiscal_year={fy}")
    return render(request, "stats/model_report.html", {
        "fiscal_year": fy, "error": error, "can_edit": can_edit,
        "sections": model_report_module.sections(model_report_module.build(municipality, fy))},
        status=400 if error else 200)
