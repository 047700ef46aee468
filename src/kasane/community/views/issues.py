"""地域課題 screens: the overview, the list (per 圏域 / status), a new issue, one issue with
its status and actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kasane.core.forms import form_error_texts, form_page, perform

from .. import policy, selectors, services
from ..forms import THEME_LABELS, ActionForm, IssueForm, StatusForm
from ..models import ActivityKind, IssueStatus
from .common import viewer, writer


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    actor = viewer(request)
    areas = selectors.daily_areas(actor)
    rows: list[dict[str, Any]] = []
    for a in areas:
        committee = services.committee_of(a)
        rows.append({"area": a, "counts": selectors.status_counts(a.municipality_id, area=a),
                     "committee": committee, "next": selectors.next_meeting(committee)})
    return render(request, "community/index.html", {
        "rows": rows, "statuses": IssueStatus.choices, "kinds": ActivityKind.choices,
        "can_write": policy.can_write(actor),
        "reports": selectors.reports(actor).filter(status="new")[:10]})


@login_required
@require_GET
def issue_list(request: HttpRequest) -> HttpResponse:
    actor = viewer(request, "issue.list")
    area, status = request.GET.get("area", ""), request.GET.get("status", "")
    found = list(selectors.issues(actor, area_code=area, status=status)[:200])
    return render(request, "community/issues.html", {
        "issues": found, "areas": selectors.daily_areas(actor), "area": area, "status": status,
        "statuses": IssueStatus.choices, "can_write": policy.can_write(actor)})


@login_required
def issue_new(request: HttpRequest) -> HttpResponse:
    actor = writer(request, "issue.create")
    areas = selectors.daily_areas(actor)
    form = IssueForm(request.POST or None, areas=areas,
                     initial={"area": next((a.pk for a in areas
                                            if a.code == request.GET.get("area")), "")})
    by_id = {str(a.pk): a for a in areas}

    def act(d: dict[str, Any]) -> str:
        issue = services.area_issue_create(
            actor=actor, area=by_id.get(str(d["area"])), title=d["title"],
            description=d["description"], themes=d["themes"], raised_by="other")
        return reverse("community:issue", args=[issue.pk])

    return form_page(request, form, act, template="community/issue_form.html", context={},
                     success="地域課題を登録しました。")


@login_required
@require_GET
def issue_detail(request: HttpRequest, issue_id: int) -> HttpResponse:
    actor = viewer(request, "issue.view")
    issue = policy.require_issue(actor, issue_id)
    manage = policy.can_manage_issue(actor, issue)
    return render(request, "community/issue.html", {
        "issue": issue, "actions": selectors.issue_actions(issue), "manage": manage,
        "themes": [THEME_LABELS.get(t, t) for t in issue.themes],
        "next": selectors.next_meeting(issue.committee),
        "status_form": StatusForm(initial={"status": issue.status}) if manage else None,
        "action_form": _action_form(issue) if manage else None})


def _action_form(issue: Any, data: Any = None) -> ActionForm:
    meetings, places = selectors.action_choices(issue)
    return ActionForm(data, places=[(p.pk, p.name) for p in places], meetings=[
        (m.pk, f"{m.body.name} {timezone.localtime(m.starts_at):%Y-%m-%d}") for m in meetings])


@login_required
@require_POST
def issue_status(request: HttpRequest, issue_id: int) -> HttpResponse:
    actor = viewer(request, "issue.status")
    issue = policy.require_issue(actor, issue_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        perform(request, lambda: services.area_issue_status(
            actor=actor, issue=issue, status=form.cleaned_data["status"],
            confirm_back=form.cleaned_data["confirm_back"]), "状態を変更しました。",
            labels={"status": "状態"})
    else:
        messages.error(request, " ".join(form_error_texts(form)))
    return redirect("community:issue", issue.pk)


@login_required
@require_POST
def issue_action(request: HttpRequest, issue_id: int) -> HttpResponse:
    actor = viewer(request, "issue.action")
    issue = policy.require_issue(actor, issue_id)
    form = _action_form(issue, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form_error_texts(form)))
        return redirect("community:issue", issue.pk)
    d = form.cleaned_data
    meetings, places = selectors.action_choices(issue)
    meeting = next((m for m in meetings if str(m.pk) == d["meeting"]), None)
    resource = next((p for p in places if str(p.pk) == d["resource"]), None)
    perform(request, lambda: services.issue_action_add(
        actor=actor, issue=issue, on=d["on"], content=d["content"], owner=d["owner"],
        due_on=d["due_on"], start=d["start"], meeting=meeting, resource=resource),
        "取組を記録しました。",
        labels={"on": "日付", "content": "取組の内容", "due_on": "期限", "meeting": "協議した会議",
                "resource": "生まれた社会資源"})
    return redirect("community:issue", issue.pk)
