"""Referral, contact, plan, monitoring, involvement-end and closure screens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kasane.core.forms import choice_labels, form_page, format_datetime_text, service_error_texts
from kasane.core.locking import Conflict
from kasane.core.wareki import format_wareki

from .. import policy as case_policy
from .. import selectors, services
from ..forms import (
    CloseForm,
    ContactForm,
    InvolvementEndForm,
    MonitorForm,
    PlanForm,
    ReferralForm,
    RespondForm,
)
from ..models import Contact, Involvement, SupportPlan
from .cases import acting, conflict


@login_required
def refer(request: HttpRequest, case_id: int) -> HttpResponse:
    member = acting(request)
    case = case_policy.require_case(member, case_id, action="refer")
    form = ReferralForm(request.POST or None, municipality_id=case.municipality_id,
                        consents=selectors.referral_consents(member, case))

    def act(d: dict[str, Any]) -> str:
        services.referral_create(actor=member, case=case, to_org_id=d["to_org"],
                                 reason=d["reason"], consent_id=d["consent"], due_on=d["due_on"])
        return _detail(case)

    return form_page(request, form, act, template="cases/refer.html", context={"case": case},
                     success="つなぎを依頼しました。",
                     names={"to_organization_id": "to_org", "consent_id": "consent"})


def _detail(case: Any) -> str:
    return reverse("cases:detail", args=[case.pk])


@login_required
def referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The receiving org answers here (without seeing the case); the requester re-refers or
    withdraws after a proposal."""
    member = acting(request)
    ref = selectors.referral_for(member, referral_id)
    receiving = ref.to_org_id == member.organization_id
    form = RespondForm(request.POST or None)
    if request.method == "POST" and receiving and form.is_valid():
        answer, text = form.cleaned_data["answer"], form.cleaned_data["text"]
        try:
            if answer == "accept":
                services.referral_accept(actor=member, referral=ref, note=text)
            elif answer == "decline":
                services.referral_decline(actor=member, referral=ref, reason=text)
            else:
                services.referral_propose(actor=member, referral=ref, text=text)
        except ValidationError as exc:
            form.add_error("text" if "text" in exc.message_dict or "reason" in exc.message_dict
                           else None, exc.messages)
        else:
            messages.success(request, "回答しました。")
            if answer == "accept":
                return redirect("cases:detail", ref.case_id)
            return redirect("cases:referral", ref.pk)
    withdraw_error = ""
    if request.method == "POST" and not receiving and ref.from_org_id == member.organization_id:
        reason = request.POST.get("reason", "").strip()
        do = request.POST.get("do")
        if do == "withdraw" and not (reason and request.POST.get("confirm") == "1"):
            # closing a referral is an explicit choice: a reason and the confirmation checkbox
            withdraw_error = "取り下げるには、理由を入力し、確認にチェックを入れてください。"
        else:
            try:
                if do == "rerefer":
                    services.referral_rerefer(actor=member, referral=ref, reason=reason)
                else:
                    services.referral_withdraw(actor=member, referral=ref, reason=reason)
            except ValidationError as exc:
                messages.error(request, " ".join(service_error_texts(exc, {"reason": "理由"})))
            else:
                messages.success(request, "つなぎを取り下げました。" if do == "withdraw"
                                 else "同じ機関に再依頼しました。")
                return redirect("cases:detail", ref.case_id)
    persons = selectors.referral_persons(member, ref) if receiving else []
    return render(request, "cases/referral.html", {
        "ref": ref, "form": form, "receiving": receiving, "persons": persons,
        "requesting": ref.from_org_id == member.organization_id, "withdraw_error": withdraw_error,
        "overdue": ref.is_overdue()}, status=400 if form.errors or withdraw_error else 200)


def _contact_rows(c: Any) -> list[tuple[str, Any]]:
    return [("日時", format_datetime_text(c["at"]) if c["at"] else ""),
            ("方法", c["method"]), ("会えた", "はい" if c["reached"] else "いいえ"),
            ("内容", c["summary"]), ("次の対応", c["next_action"])]


@login_required
def contact_new(request: HttpRequest, case_id: int) -> HttpResponse:
    member = acting(request)
    case = case_policy.require_case(member, case_id, action="contact")
    form = ContactForm(request.POST or None, initial={
        "at": timezone.localtime().replace(second=0, microsecond=0), "reached": "1"})

    def act(d: dict[str, Any]) -> str:
        services.contact_record(actor=member, case=case, data=form.data_for_service())
        return _detail(case)

    return form_page(request, form, act, template="cases/contact_form.html",
                     context={"case": case}, success="支援記録を保存しました。")


@login_required
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    member = acting(request)
    contact, case = case_policy.require_case_row(member, Contact, contact_id, action="contact")
    initial = {f: getattr(contact, f) for f in services.CONTACT_FIELDS}
    initial.update(at=contact.at,
                   reached="1" if contact.reached else "0", lock_version=contact.lock_version)
    form = ContactForm(request.POST or None, initial=initial)

    def act(d: dict[str, Any]) -> str:
        services.contact_update(actor=member, contact=contact, data=form.data_for_service(),
                                        expected_version=d["lock_version"])
        return _detail(case)

    def on_conflict(exc: Conflict) -> HttpResponse:
        saved = {f: getattr(exc.current, f) for f in services.CONTACT_FIELDS}
        return conflict(request, title="支援記録", back=reverse("cases:contact_edit", args=[contact.pk]),
                        mine=_contact_rows(form.data_for_service()), saved=_contact_rows(saved))

    return form_page(request, form, act, template="cases/contact_form.html",
                     context={"case": case, "contact": contact}, success="支援記録を修正しました。",
                     on_conflict=on_conflict)


def _plan_rows(args: dict[str, Any], names: dict[Any, str]) -> list[tuple[str, Any]]:
    tasks = "／".join(f"{names.get(str(t['org_id']), t.get('org', ''))}: {t['task']}"
                     for t in args["tasks"] if t.get("task"))
    return [("目標", "／".join(g.strip() if isinstance(g, str) else g["text"] for g in args["goals"] if g)),
            ("役割分担", tasks), ("主担当機関", names.get(str(args["lead_org_id"]), "")),
            ("見直し予定日", format_wareki(args["review_on"]) if args["review_on"] else "")]


@login_required
def plan_new(request: HttpRequest, case_id: int) -> HttpResponse:
    member = acting(request)
    case = case_policy.require_case(member, case_id, action="plan")
    previous = case.plans.order_by("-version").first()
    initial = PlanForm.initial_for(previous) if previous else {"lead_org": case.lead_org_id,
                                                              "lead_user": case.lead_user_id}
    form = PlanForm(request.POST or None, municipality_id=case.municipality_id, initial=initial)

    def act(d: dict[str, Any]) -> str:
        services.plan_create(actor=member, case=case, **form.service_args())
        return _detail(case)

    return form_page(request, form, act, template="cases/plan_form.html", context={"case": case},
                     success="支援プラン（案）を保存しました。")


@login_required
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    member = acting(request)
    plan, case = case_policy.require_case_row(member, SupportPlan, plan_id, action="plan")
    form = PlanForm(request.POST or None, municipality_id=case.municipality_id,
                    initial=PlanForm.initial_for(plan))

    def act(d: dict[str, Any]) -> str:
        services.plan_update(actor=member, plan=plan, **form.service_args(),
                                     expected_version=d["lock_version"])
        return _detail(case)

    def on_conflict(exc: Conflict) -> HttpResponse:
        names = choice_labels(form, "lead_org")
        cur = exc.current
        saved = {"goals": cur.goals, "tasks": cur.tasks, "lead_org_id": cur.lead_org_id,
                 "review_on": cur.review_on}
        return conflict(request, title=f"支援プラン 第{plan.version}版",
                        back=reverse("cases:plan_edit", args=[plan.pk]),
                        mine=_plan_rows(form.service_args(), names), saved=_plan_rows(saved, names))

    return form_page(request, form, act, template="cases/plan_form.html",
                     context={"case": case, "plan": plan}, success="支援プランを修正しました。",
                     on_conflict=on_conflict)


@login_required
@require_POST
def plan_approve(request: HttpRequest, plan_id: int) -> HttpResponse:
    member = acting(request)
    plan, _ = case_policy.require_case_row(member, SupportPlan, plan_id, action="plan")
    try:
        services.plan_approve(actor=member, plan=plan,
                                      expected_version=int(request.POST.get("lock_version") or 0) or None)
    except Conflict:
        messages.error(request, "他の職員が先にこのプランを更新しました。内容を確認してから承認してください。")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"支援プラン 第{plan.version}版を承認しました。")
    return redirect("cases:detail", plan.case_id)


@login_required
def close(request: HttpRequest, case_id: int) -> HttpResponse:
    member = acting(request)
    case = case_policy.require_case(member, case_id, action="close")
    form = CloseForm(request.POST or None, municipality_id=case.municipality_id,
                     initial={"lock_version": case.lock_version, "watch_org": case.lead_org_id})

    def act(d: dict[str, Any]) -> str:
        services.case_close(
            actor=member, case=case, reason=d["reason"], evaluation=d["evaluation"],
            closed_on=d["closed_on"], watch=d["watch"], watch_org_id=d["watch_org"] or None,
            watch_method=d["watch_method"], next_check_on=d["next_check_on"],
            expected_version=d["lock_version"])
        return _detail(case)

    return form_page(request, form, act, template="cases/close.html", context={"case": case},
                     success="終結を記録しました。",
                     on_conflict="他の職員が先にこのケースを更新しました。ケースの最新の状態を確認してください。")


@login_required
def monitor(request: HttpRequest, plan_id: int) -> HttpResponse:
    """モニタリング: date, note and an evaluation of each goal of an approved plan."""
    member = acting(request)
    plan, case = case_policy.require_case_row(member, SupportPlan, plan_id, action="plan",
                                              related=("lead_org",))
    form = MonitorForm(request.POST or None, plan=plan,
                       initial={"on": timezone.localdate()})

    def act(d: dict[str, Any]) -> str:
        services.plan_monitor(actor=member, plan=plan, on=d["on"], note=d["note"],
                                      evaluations=form.evaluations())
        return _detail(case)

    return form_page(request, form, act, template="cases/monitor.html",
                     context={"case": case, "plan": plan}, success="モニタリングを記録しました。")


@login_required
def involvement_end(request: HttpRequest, involvement_id: int) -> HttpResponse:
    """An organization leaves the case (reason, date); its case_involvement grants end."""
    member = acting(request)
    inv, case = case_policy.require_case_row(member, Involvement, involvement_id,
                                             action="involvement", related=("organization",))
    if inv.ended_on is not None:
        raise Http404("見つかりません。")
    form = InvolvementEndForm(request.POST or None)

    def act(d: dict[str, Any]) -> str:
        services.involvement_end(actor=member, involvement=inv, reason=d["reason"],
                                 ended_on=d["ended_on"])
        if inv.organization_id == member.organization_id:
            return reverse("cases:index")  # the case is no longer visible to this org
        return _detail(case)

    return form_page(request, form, act, template="cases/involvement_end.html",
                     context={"case": case, "involvement": inv},
                     success=f"{inv.organization.name} の関与を終了しました。")
