"""参加支援 screens: the person's wishes, suggested places, a match and its steps, my work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kasane.access.http import acting as _acting
from kasane.accounts.models import Actor
from kasane.cases import policy as case_policy
from kasane.core.forms import add_service_errors, form_page, perform
from kasane.core.locking import Conflict

from .. import policy, selectors, services
from ..forms import AnswerForm, DateStepForm, EndForm, FollowUpForm, HostAnswerForm, WishForm
from ..models import Match, Stage

LABELS = {"place": "参加先", "on": "日付", "started_on": "開始日", "ended_on": "終了日",
          "trial_on": "体験日", "answer": "回答", "answer_on": "回答日", "end_reason": "終了の理由",
          "stage": "段階"}


FORM_KEYS = {"": "answer_form", "trial": "trial_form", "start": "start_form", "end": "end_form",
             "fu": "follow_form"}


# The services' field names → the forms' (the date of each step form is ``on``).
FIELD_NAMES = {"started_on": "on", "ended_on": "on", "trial_on": "on"}


def _renamed(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({FIELD_NAMES.get(k, k): v for k, v in exc.message_dict.items()})


def acting(request: HttpRequest) -> Actor:
    return _acting(request, policy.NOT_HANDLER)


def _case_url(case_id: int) -> str:
    return reverse("cases:detail", args=[case_id]) + "#participation"


@login_required
def wish(request: HttpRequest, case_id: int) -> HttpResponse:
    member = acting(request)
    case, person = case_policy.require_case_subject(
        member, case_id, request.GET.get("person"), action="participation")
    found = selectors.wish_of(case, person.pk)
    initial: dict[str, Any] = {}
    if found is not None:
        initial = {f: getattr(found, f) for f in services.wishes.WISH_FIELDS if f != "area"}
        initial.update(area=found.area_id or "", lock_version=found.lock_version)
    form = WishForm(request.POST or None, initial=initial, municipality_id=case.municipality_id)

    def act(d: dict[str, Any]) -> str:
        services.wish_save(actor=member, case=case, person_id=person.pk,
                           data=form.data_for_service(), expected_version=d.get("lock_version"))
        return reverse("participation:suggest", args=[case.pk]) + f"?person={person.pk}"

    return form_page(request, form, act, template="participation/wish.html",
                     context={"case": case, "person": person}, success="参加の希望を保存しました。",
                     on_conflict="他の職員が先に保存しました。最新の内容を確認してください。")


@login_required
def suggest(request: HttpRequest, case_id: int) -> HttpResponse:
    """Suggested places ranked by fit (GET); 「打診する」 proposes one (POST)."""
    member = acting(request)
    person_id = request.POST.get("person") or request.GET.get("person")
    case, person = case_policy.require_case_subject(member, case_id, person_id,
                                                    action="participation")
    if request.method == "POST":
        reasons = [r for r in request.POST.getlist("reasons") if r][:12]
        holder: dict[str, Match] = {}

        def propose() -> None:
            holder["m"] = services.match_propose(
                actor=member, case=case, person_id=person.pk,
                place_id=request.POST.get("place"), role=request.POST.get("role", ""),
                note=request.POST.get("note", ""), reasons=reasons)
        if perform(request, propose, "受入打診を記録しました。", labels=LABELS):
            return redirect("participation:match", holder["m"].pk)
    ranked = selectors.suggestions(case, person)
    return render(request, "participation/suggest.html", {
        "case": case, "person": person, "wish": selectors.wish_of(case, person.pk),
        "suggestions": ranked, "can_manage": policy.can_manage(member, case)})


def _match_context(member: Actor, m: Match) -> dict[str, Any]:
    case_side = policy.is_case_side(member, m)
    manage = case_side and policy.can_manage(member, m.case)
    answer = policy.can_answer(member, m)
    return {"match": m, "case_side": case_side, "can_manage": manage,
            "follow_ups": list(m.follow_ups.all()),
            "answer_form": (AnswerForm if case_side else HostAnswerForm)(
                initial={"lock_version": m.lock_version}) if answer else None,
            "trial_form": DateStepForm(prefix="trial", initial={"lock_version": m.lock_version})
            if manage and m.stage == Stage.ACCEPTED else None,
            "start_form": DateStepForm(prefix="start", initial={"lock_version": m.lock_version})
            if manage and m.stage in (Stage.ACCEPTED, Stage.TRIAL) else None,
            "end_form": EndForm(prefix="end", initial={"lock_version": m.lock_version})
            if manage and m.stage == Stage.STARTED else None,
            "follow_form": FollowUpForm(prefix="fu") if manage and m.started_on else None,
            "can_withdraw": manage and m.stage in (Stage.PROPOSED, Stage.ON_HOLD,
                                                   Stage.ACCEPTED, Stage.TRIAL)}


@login_required
def match(request: HttpRequest, pk: int) -> HttpResponse:
    member = acting(request)
    m = policy.require_match(member, pk)
    return render(request, "participation/match.html", _match_context(member, m))


def _step(request: HttpRequest, pk: int, form_class: Any, prefix: str,
          run: Callable[[Actor, Match, dict[str, Any]], object], success: str) -> HttpResponse:
    """One POST step of a match: validate the form, call the service, back to the match (a
    refusal is shown on the match page at the form). ``form_class``: a form class, or a
    function of (actor, match) choosing one once the match has been allowed."""
    member = acting(request)
    m = policy.require_match(member, pk, action="write")
    if not isinstance(form_class, type):
        form_class = form_class(member, m)
    form = form_class(request.POST, prefix=prefix or None)
    if form.is_valid():
        try:
            run(member, m, form.cleaned_data)
        except Conflict as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:  # at the field: 開始日・実施日 … (names of the service)
            add_service_errors(form, _renamed(exc), labels=LABELS)
        else:
            messages.success(request, success)
            return redirect("participation:match", m.pk)
    context = _match_context(member, m)
    context[FORM_KEYS[prefix]] = form
    return render(request, "participation/match.html", context, status=400)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    def run(member: Actor, m: Match, d: dict[str, Any]) -> object:
        return services.match_answer(actor=member, match=m, answer=d["answer"],
                                     answer_on=d["answer_on"], via=d.get("via") or "",
                                     note=d.get("note") or "",
                                     expected_version=d.get("lock_version"))
    def form_for(member: Actor, m: Match) -> type[AnswerForm] | type[HostAnswerForm]:
        return AnswerForm if policy.is_case_side(member, m) else HostAnswerForm

    return _step(request, pk, form_for, "", run, "受入先の回答を記録しました。")


@login_required
@require_POST
def trial(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, DateStepForm, "trial", lambda a, m, d: services.match_trial(
        actor=a, match=m, trial_on=d["on"], expected_version=d.get("lock_version")),
        "体験を記録しました。")


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, DateStepForm, "start", lambda a, m, d: services.match_start(
        actor=a, match=m, started_on=d["on"], expected_version=d.get("lock_version")),
        "参加の開始を記録しました。定着支援の予定を作成しました。")


@login_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, EndForm, "end", lambda a, m, d: services.match_end(
        actor=a, match=m, ended_on=d["on"], reason=d["end_reason"],
        expected_version=d.get("lock_version")), "参加の終了を記録しました。")


@login_required
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, FollowUpForm, "fu", lambda a, m, d: services.follow_up_record(
        actor=a, match=m, data=d), "定着支援を記録しました。")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    member = acting(request)
    m = policy.require_match(member, pk, action="write")
    perform(request, lambda: services.match_withdraw(actor=member, match=m),
            "打診を取り下げました。", labels=LABELS)
    return redirect("participation:match", m.pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """わたしの参加支援: proposals waiting for my organization's answer (as a place) and the
    定着支援 follow-ups due on the cases my organization takes part in."""
    member = acting(request)
    waiting = list(selectors.proposals_to_answer(member)[:50])
    due = list(selectors.follow_ups_due(member)[:50])
    policy.log_matches(member, waiting, action="participation.match.inbox",
                       purpose="participation")
    policy.log_matches(member, [f.match for f in due])
    return render(request, "participation/index.html", {"waiting": waiting, "due": due})
