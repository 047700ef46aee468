"""Proposals to a place (受入打診) and what follows: the place's answer, trial, start, end.

A proposal to a place that is closed, full (or not yet published) is refused with the reason.
It is *shared* with the place — its organization's members see it and answer it themselves —
only when the place's provider is linked to an ``accounts.Organization`` with case-role
members **and** the person's current ``participation`` consent names that organization
(``people.selectors.consent_current_for``); otherwise the CSW records the answer received by
phone or paper. A start takes a seat at the place (``places.seat_take``) and plans the 定着支援
follow-ups from the municipality's ``FollowUpPlan``; an end frees the seat — each in the same
transaction as the stage change. Every change: ChangeRecord + a case timeline entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kasane.accounts.models import CASE_ROLES, Actor, Membership, Organization
from kasane.audit.services import change_record, snapshot
from kasane.cases.models import Case
from kasane.core.locking import check_version
from kasane.notify.kinds import label
from kasane.notify.services.notifications import notify
from kasane.people.models import Consent, Person, Purpose
from kasane.people.selectors import consent_current_for
from kasane.resources.models import Place

from .. import places, policy
from ..models import (
    OPEN_STAGES,
    Answer,
    AnswerVia,
    EndReason,
    FollowUp,
    FollowUpPlan,
    Match,
    Role,
    Stage,
)
from .common import as_date, require_manager, subject_of, timeline, wareki

ANSWER_STAGE: dict[str, str] = {Answer.ACCEPTED: Stage.ACCEPTED, Answer.DECLINED: Stage.DECLINED,
                Answer.ON_HOLD: Stage.ON_HOLD}


def _url(match: Match) -> str:
    return reverse("participation:match", args=[match.pk])


def host_for(place: Place, person: Person, day: dt.date | None = None
             ) -> tuple[Organization | None, Consent | None]:
    """The organization a proposal to ``place`` is shared with, and the consent allowing it:
    the provider's linked organization when it has case-role members and the person's
    current ``participation`` consent names it; else ``(None, None)``."""
    org_id = place.provider.organization_id
    if org_id is None:
        return None, None
    org = Organization.objects.filter(pk=org_id, is_active=True).first()
    if org is None or not Membership.objects.filter(
            organization=org, is_active=True, role__in=CASE_ROLES).exists():
        return None, None
    consent = consent_current_for(person, org, Purpose.PARTICIPATION, day)
    return (org, consent) if consent is not None else (None, None)


def _age(person: Person, day: dt.date) -> int | None:
    return person.age_on(day)


def match_propose(*, actor: Actor, case: Case, person_id: object, place_id: object,
                  proposed_on: object = None, role: str = "", note: str = "",
                  reasons: list[str] | None = None, source_record_id: int | None = None) -> Match:
    """受入打診: propose ``place`` for the person. Refused when the place is closed or full,
    or when an open proposal of the person to that place exists."""
    require_manager(actor, case)
    pid = subject_of(case, person_id)
    day = as_date(proposed_on or timezone.localdate(), "proposed_on", "打診日")
    assert day is not None
    if role and role not in Role.values:
        raise ValidationError({"role": "参加の形を選んでください。"})
    place = places.place_of(case.municipality_id, place_id)
    person = Person.objects.get(pk=pid)
    places.check_can_take(place, _age(person, day))
    if Match.objects.filter(case=case, person_id=pid, place=place,
                            stage__in=OPEN_STAGES).exists():
        raise ValidationError({"place": f"{place.name}への打診は既に進行中です。"})
    host, consent = host_for(place, person, day)
    match = Match(municipality_id=case.municipality_id, case=case, person_id=pid, place=place,
                  role=role, note=note.strip()[:2000], reasons=list(reasons or [])[:12],
                  proposed_on=day, host_org=host, consent=consent,
                  source_record_id=source_record_id,
                  created_by=actor.user, created_by_org=actor.organization)
    with transaction.atomic():
        match.full_clean()
        match.save()
        change_record(user=actor.user, instance=match, operation="create",
                      organization_id=actor.organization_id)
        how = "（受入先にシステムで共有）" if host else "（電話・書面で打診）"
        timeline(case, actor, f"受入打診：{place.name}{how}", _url(match))
        if host is not None:
            _notify(Membership.objects.filter(organization=host, is_active=True,
                                              role__in=CASE_ROLES).select_related("organization"),
                    "placement_proposed", match)
    return match


def _notify(memberships: Any, kind: str, match: Match) -> None:
    """A fixed title (no personal data); the person is named at read time by the policies."""
    notify(memberships=list(memberships), kind=kind, title=label(kind).split("（")[0],
           url=_url(match), object_type="participation.Match", object_id=match.pk,
           person_id=match.person_id)


def _locked(match: Match, expected_version: int | None) -> Match:
    return check_version(match, expected_version)


def _save(actor: Actor, match: Match, before: dict[str, object], text: str) -> Match:
    match.lock_version += 1
    match.full_clean()
    match.save()
    change_record(user=actor.user, instance=match, operation="update", before=before,
                  organization_id=actor.organization_id)
    timeline(match.case, actor, text, _url(match))
    return match


def match_answer(*, actor: Actor, match: Match, answer: str, answer_on: object = None,
                 via: str = "", note: str = "", expected_version: int | None = None) -> Match:
    """The place's answer (受入可 / 不可 / 保留): given by the place's organization when the
    proposal was shared with it, or recorded by the case side with how it came (電話・書面)."""
    if not policy.can_answer(actor, match):
        raise PermissionDenied("この打診に回答を記録できません。")
    if answer not in ANSWER_STAGE:
        raise ValidationError({"answer": "回答を選んでください。"})
    hosting = match.host_org_id == actor.organization_id and not policy.can_manage(
        actor, match.case)
    via = AnswerVia.SYSTEM if hosting else (via or AnswerVia.PHONE)
    if via not in AnswerVia.values:
        raise ValidationError({"via": "回答の方法を選んでください。"})
    day = as_date(answer_on or timezone.localdate(), "answer_on", "回答日")
    assert day is not None
    if day < match.proposed_on:
        raise ValidationError({"answer_on": f"回答日は打診日（{wareki(match.proposed_on)}）以降の"
                                            "日付にしてください。"})
    with transaction.atomic():
        m = _locked(match, expected_version)
        if m.stage not in (Stage.PROPOSED, Stage.ON_HOLD):
            raise ValidationError({"answer": "この打診には既に回答があります。"})
        before = snapshot(m)
        m.answer, m.answer_on, m.answer_via = answer, day, via
        m.answer_note, m.answered_by = note.strip()[:500], actor.user
        m.stage = ANSWER_STAGE[answer]
        text = Answer(answer).label
        _save(actor, m, before, f"受入先の回答：{m.place.name} {text}（{AnswerVia(via).label}）")
        if via == AnswerVia.SYSTEM:  # the place answered itself: tell the proposer
            _notify(Membership.objects.filter(user_id=m.created_by_id,
                                              organization_id=m.created_by_org_id,
                                              is_active=True).select_related("organization"),
                    "placement_answered", m)
        return m


def match_trial(*, actor: Actor, match: Match, trial_on: object,
                expected_version: int | None = None) -> Match:
    """体験: after 受入可."""
    require_manager(actor, match.case)
    day = as_date(trial_on, "trial_on", "体験日")
    assert day is not None
    with transaction.atomic():
        m = _locked(match, expected_version)
        if m.stage != Stage.ACCEPTED:
            raise ValidationError({"trial_on": "体験は受入可の回答の後に記録します。"})
        if m.answer_on and day < m.answer_on:
            raise ValidationError({"trial_on": "体験日は回答日以降の日付にしてください。"})
        before = snapshot(m)
        m.trial_on, m.stage = day, Stage.TRIAL
        return _save(actor, m, before, f"体験：{m.place.name}（{wareki(day)}）")


def _plan_follow_ups(m: Match) -> None:
    plan = FollowUpPlan.objects.filter(municipality_id=m.municipality_id).first()
    days = plan.days if plan is not None else FollowUpPlan._meta.get_field("days").default()
    assert m.started_on is not None
    FollowUp.objects.bulk_create([FollowUp(match=m, due_on=m.started_on + dt.timedelta(days=n))
                                  for n in sorted({int(d) for d in days})])


def match_start(*, actor: Actor, match: Match, started_on: object,
                expected_version: int | None = None) -> Match:
    """参加開始: after 受入可 or 体験; takes a seat at the place (refused when it is closed or
    full) and plans the 定着支援 follow-ups."""
    require_manager(actor, match.case)
    day = as_date(started_on, "started_on", "開始日")
    assert day is not None
    with transaction.atomic():
        m = _locked(match, expected_version)
        if m.stage not in (Stage.ACCEPTED, Stage.TRIAL):
            raise ValidationError({"started_on": "参加の開始は受入可の回答（または体験）の後です。"})
        if day < (m.trial_on or m.answer_on or m.proposed_on):
            raise ValidationError({"started_on": "開始日は回答日・体験日以降の日付にしてください。"})
        places.seat_take(m.place, _age(m.person, day), actor=actor,
                         reason=f"参加支援の開始（マッチ {m.pk}）")
        before = snapshot(m)
        m.started_on, m.stage = day, Stage.STARTED
        _save(actor, m, before, f"参加開始：{m.place.name}（{wareki(day)}）")
        _plan_follow_ups(m)
    return m


def match_end(*, actor: Actor, match: Match, ended_on: object, reason: str,
              expected_version: int | None = None) -> Match:
    """参加の終了: frees the seat; planned follow-ups not yet done are dropped."""
    require_manager(actor, match.case)
    day = as_date(ended_on, "ended_on", "終了日")
    assert day is not None
    if reason not in EndReason.values:
        raise ValidationError({"end_reason": "終了の理由を選んでください。"})
    with transaction.atomic():
        m = _locked(match, expected_version)
        if m.stage != Stage.STARTED or m.started_on is None:
            raise ValidationError({"ended_on": "参加中の場だけ終了できます。"})
        if day < m.started_on:
            raise ValidationError({"ended_on": f"終了日は開始日（{wareki(m.started_on)}）以降の"
                                               "日付にしてください。"})
        places.seat_free(m.place, actor=actor, reason=f"参加支援の終了（マッチ {m.pk}）")
        before = snapshot(m)
        m.ended_on, m.end_reason, m.stage = day, reason, Stage.ENDED
        m.follow_ups.filter(on__isnull=True, due_on__gt=day).delete()
        return _save(actor, m, before, f"参加終了：{m.place.name}（{EndReason(reason).label}）")


def match_withdraw(*, actor: Actor, match: Match, expected_version: int | None = None) -> Match:
    """取下げ: a proposal not started yet."""
    require_manager(actor, match.case)
    with transaction.atomic():
        m = _locked(match, expected_version)
        if m.stage not in (Stage.PROPOSED, Stage.ON_HOLD, Stage.ACCEPTED, Stage.TRIAL):
            raise ValidationError({"stage": "開始前の打診だけ取り下げられます。"})
        before = snapshot(m)
        m.stage = Stage.WITHDRAWN
        return _save(actor, m, before, f"打診を取下げ：{m.place.name}")
