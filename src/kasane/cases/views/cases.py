"""Case screens: list, open, case page, status, case edit (every form screen goes through
``core.forms.form_page``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from kasane.access import policy
from kasane.access.http import acting as _acting
from kasane.accounts.models import Actor
from kasane.core.forms import choice_labels, form_error_texts, form_page
from kasane.core.locking import Conflict
from kasane.people.presenters import person_views

from .. import policy as case_policy
from .. import selectors, services
from ..forms import CaseEditForm, CaseProblemsForm, OpenForm, StatusBackForm, StatusForm
from ..models import ProjectTag, Status, Triage


def acting(request: HttpRequest) -> Actor:
    return _acting(request, case_policy.NOT_HANDLER)


def conflict(request: HttpRequest, *, title: str, back: str, mine: list[tuple[str, Any]],
             saved: list[tuple[str, Any]]) -> HttpResponse:
    """The conflict page: your unsaved input beside the version saved in between."""
    rows = [(label, m, s, m != s) for (label, m), (_, s) in zip(mine, saved, strict=True)]
    return render(request, "cases/conflict.html", {"title": title, "back": back, "rows": rows},
                  status=409)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    member = acting(request)
    status = request.GET.get("status", "open")
    cases = list(selectors.cases_for(member, status=status if status != "all" else "")
                 [:selectors.LIST_LIMIT])
    names = selectors.listed_names(member, cases, detail="ケース一覧")
    rows = [{"case": c, "names": names.get(c.pk, "")} for c in cases]
    tabs = [("open", "対応中"), *Status.choices, ("all", "すべて")]
    return render(request, "cases/index.html", {"rows": rows, "status": status, "tabs": tabs,
                                                "waiting": selectors.referrals_waiting(member)})


@login_required
def open_case(request: HttpRequest) -> HttpResponse:
    member = acting(request)
    initial = {"person_ids": request.GET.get("person", "")}
    form = OpenForm(request.POST or None, initial=initial)
    chosen = []
    ids = [i for i in str(request.POST.get("person_ids") or initial["person_ids"]).split(",") if i.strip().isdigit()]
    if ids:
        chosen = person_views(member, list(policy.visible_persons(member).filter(pk__in=ids)
                                           .select_related("created_by_org")))

    def act(d: dict[str, Any]) -> str:
        case = services.case_open(actor=member, person_ids=d["person_ids"], summary=d["summary"],
                                  triage=d["triage"], tags=d["tags"])
        messages.success(request, f"ケース#{case.pk}を受付しました。")
        return reverse("cases:detail", args=[case.pk])

    return form_page(request, form, act, template="cases/open.html", context={"chosen": chosen},
                     success="")


def _status_forms(case: Any, lead: bool) -> dict[str, Any]:
    """The forward select (allowed next statuses only) and the separate «前の状態に戻す» form."""
    if not (lead and case.is_open):
        return {"status_form": None, "status_back_form": None}
    initial = {"lock_version": case.lock_version}
    forward = StatusForm(case=case, initial=initial)
    back = StatusBackForm(case=case, initial=initial, prefix="back")
    return {"status_form": forward if choice_labels(forward, "to_status") else None,
            "status_back_form": back if len(choice_labels(back, "to_status")) > 1 else None,
            "supporting_needs_plan": case.status != "supporting" and "supporting" not in
            choice_labels(forward, "to_status")}


@login_required
@require_GET
def detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case page: its relations loaded once onto the case (``selectors.page_relations``:
    the panels of other apps read the same rows), one query for each other block."""
    member = acting(request)
    case = case_policy.require_case(member, case_id)
    selectors.page_relations(case)
    involved = case_policy.is_involved(member, case)
    lead = involved and case_policy.is_lead(member, case)
    return render(request, "cases/detail.html", {
        "case": case, "subjects": selectors.subjects_of(member, case),
        "involvements": case.involvements.all(), "referrals": case.referrals.all(),
        "plans": selectors.plans_of(case), "events": selectors.timeline(case),
        "household": selectors.household_cases(member, case),
        "closures": case.closures.all(), "is_lead": lead, "is_involved": involved,
        **_status_forms(case, lead),
        "source_record": selectors.source_record(member, case),
        "problems": selectors.problems_of(case),
    })


def _case_rows(d: dict[str, Any], names: dict[str, str]) -> list[tuple[str, Any]]:
    triage = dict(Triage.choices)
    tags = dict(ProjectTag.choices)
    return [("相談の概要", d["summary"]), ("分類", triage.get(d["triage"], "未分類")),
            ("事業", "、".join(str(tags.get(t, t)) for t in d["tags"])),
            ("主担当機関", names.get(str(d["lead_org"]), "")),
            ("主担当者", names.get(f"u{d['lead_user']}", "") if d["lead_user"] else "")]


@login_required
def edit(request: HttpRequest, case_id: int) -> HttpResponse:
    """概要・分類・事業・主担当の変更 (optimistic locking: a stale save gets the conflict page)."""
    member = acting(request)
    case = case_policy.require_case(member, case_id, action="update")
    if not case.is_open:
        messages.error(request, f"{case.get_status_display()}のケースは変更できません。")
        return redirect("cases:detail", case.pk)
    form = CaseEditForm(request.POST or None, case=case, initial=CaseEditForm.initial_for(case))

    def act(d: dict[str, Any]) -> str:
        services.case_update(actor=member, case=case, expected_version=d["lock_version"],
                             summary=d["summary"], triage=d["triage"], tags=d["tags"],
                             lead_org_id=d["lead_org"], lead_user_id=d["lead_user"] or None)
        return reverse("cases:detail", args=[case.pk])

    def on_conflict(exc: Conflict) -> HttpResponse:
        names = choice_labels(form, "lead_org")
        names.update({f"u{k}": v for k, v in choice_labels(form, "lead_user").items() if k})
        cur = exc.current
        saved = {"summary": cur.summary, "triage": cur.triage, "tags": cur.tags,
                 "lead_org": cur.lead_org_id, "lead_user": cur.lead_user_id}
        return conflict(request, title=f"ケース#{case.pk}", back=reverse("cases:edit", args=[case.pk]),
                        mine=_case_rows(form.cleaned_data, names), saved=_case_rows(saved, names))

    return form_page(request, form, act, template="cases/edit.html", context={"case": case},
                     success="ケース情報を変更しました。", on_conflict=on_conflict)


@login_required
def problems(request: HttpRequest, case_id: int) -> HttpResponse:
    """課題の分類（○/◎）の変更: organizations involved in the open case."""
    member = acting(request)
    case = case_policy.require_case(member, case_id, action="update")
    if not case.is_open or not case_policy.is_involved(member, case):
        messages.error(request, "課題の分類を変更できるのは、進行中のケースに関与している機関です。")
        return redirect("cases:detail", case.pk)
    marked, main = services.problems_current(case)
    form = CaseProblemsForm(request.POST or None, initial={"marked": marked, "main": main})

    def act(d: dict[str, Any]) -> str:
        services.case_problems_set(actor=member, case=case, marked=d["marked"], main=d["main"])
        return reverse("cases:detail", args=[case.pk])

    return form_page(request, form, act, template="cases/problems.html", context={"case": case},
                     success="課題の分類を変更しました。")


@login_required
@require_POST
def status(request: HttpRequest, case_id: int) -> HttpResponse:
    """「状態を進める」: forward only (a backward status is refused by the service without the
    reason and confirmation of ``status_back``)."""
    member = acting(request)
    case = case_policy.require_case(member, case_id, action="status")
    form = StatusForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.case_status_change(actor=member, case=case, to_status=form.cleaned_data["to_status"],
                                        note=form.cleaned_data["note"],
                                        expected_version=form.cleaned_data["lock_version"])
        except Conflict:
            messages.error(request, "他の職員が先にこのケースを更新しました。最新の状態を確認してください。")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "状態を変更しました。")
    else:
        messages.error(request, " ".join(form_error_texts(form)))
    return redirect("cases:detail", case.pk)


@login_required
def status_back(request: HttpRequest, case_id: int) -> HttpResponse:
    """「前の状態に戻す」: an earlier status, a reason and a confirmation checkbox (the service
    refuses a backward change without them)."""
    member = acting(request)
    case = case_policy.require_case(member, case_id, action="status")
    if not case.is_open:
        messages.error(request, f"{case.get_status_display()}のケースの状態は変更できません。")
        return redirect("cases:detail", case.pk)
    form = StatusBackForm(request.POST or None, case=case, initial={"lock_version": case.lock_version},
                          prefix="back")

    def act(d: dict[str, Any]) -> str:
        services.case_status_change(actor=member, case=case, to_status=d["to_status"], note=d["note"],
                                    expected_version=d["lock_version"], confirm_back=d["confirm_back"])
        return reverse("cases:detail", args=[case.pk])

    return form_page(request, form, act, template="cases/status_back.html", context={"case": case},
                     success="ケースの状態を前に戻しました。",
                     on_conflict="他の職員が先にこのケースを更新しました。最新の状態を確認してください。")
