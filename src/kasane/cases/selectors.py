"""Reads of cases. Every selector starts from ``access.policy.visible_cases`` (or, for a
referral's receiving org, from ``visible_persons``); persons are shown via ``person_views``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.audit.services import access_log_many
from kasane.people.models import Consent
from kasane.people.presenters import person_views
from kasane.people.selectors import households_of

from . import policy as case_policy
from .models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseSubject,
    Contact,
    PlanStatus,
    Referral,
    ReferralStatus,
    SupportPlan,
)


def cases_for(actor: Actor, *, status: str = "") -> QuerySet[Case]:
    qs = case_policy.visible_cases(actor).select_related("lead_org", "lead_user")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-id")


LIST_LIMIT = 200


def case_list(actor: Actor, *, status: str = "", limit: int = LIST_LIMIT, detail: str = "",
              with_subjects: bool = True) -> list[Case]:
    """The newest ``limit`` cases of ``cases_for``, subjects prefetched (one query for every
    row; ``with_subjects=False`` when the caller reads names with ``subject_names``). A list
    shows who the cases are about, so each shown subject is logged (``case.list``: one row per
    case and person, with the basis it is shown on)."""
    qs = cases_for(actor, status=status)
    cases = list((qs.prefetch_related("subjects") if with_subjects else qs)[:limit])
    case_policy.log_cases_listed(actor, cases, detail=detail)
    return cases


def subjects_of(actor: Actor, case: Case) -> list[Any]:
    """The case's persons as the actor may see them (masked where 閲覧制限 applies)."""
    subjects = list(CaseSubject.objects.filter(case=case).select_related(
        "person", "person__created_by_org"))
    views = person_views(actor, [s.person for s in subjects])
    for view, s in zip(views, subjects, strict=True):
        view.is_primary = s.is_primary  # type: ignore[attr-defined]
    return views


def subject_names(actor: Actor, cases: list[Case]) -> dict[int, str]:
    """Names for a list of visible cases (one query)."""
    rows = CaseSubject.objects.filter(case__in=cases).select_related("person") \
        .order_by("case_id", "-is_primary", "id")
    names: dict[int, list[str]] = {}
    for r in rows:
        names.setdefault(r.case_id, []).append(r.person.full_name)
    return {cid: "、".join(n) for cid, n in names.items()}


def timeline(case: Case) -> list[CaseEvent]:
    return list(case.events.select_related("user", "organization", "contact", "referral",
                                           "plan").order_by("-at", "-id")[:300])


def contacts_of(case: Case) -> QuerySet[Contact]:
    return case.contacts.select_related("author", "organization")


def plans_of(case: Case) -> list[SupportPlan]:
    return list(case.plans.select_related("lead_org", "lead_user", "approved_by")
                .prefetch_related("monitoring"))


def source_record(actor: Actor, case: Case) -> Any:
    """The sheet record the case was opened from, when the actor may see it (title and link
    only; the record page logs its own read)."""
    if case.source_sheet_record_id is None:
        return None
    from kasane.sheets.policy import visible_records

    return visible_records(actor).select_related("definition").filter(
        pk=case.source_sheet_record_id).first()


def household_cases(actor: Actor, case: Case) -> list[dict[str, Any]]:
    """Family members of the subjects the actor may see, with their open cases it may see."""
    subjects = list(case.subjects.select_related("person"))
    subject_ids = {s.person_id for s in subjects}
    rows: list[dict[str, Any]] = []
    member_ids: set[int] = set()
    households = households_of(actor, [s.person for s in subjects])
    for s in subjects:
        for m in households[s.person_id]:
            pid = m["person"].pk
            if pid in subject_ids or pid in member_ids:
                continue
            member_ids.add(pid)
            rows.append({"person": m["person"], "relation": m["relation"], "cases": []})
    if not rows:
        return rows
    by_person: dict[int, list[Case]] = {}
    for other in cases_for(actor, status="open").filter(subjects__person_id__in=member_ids) \
            .exclude(pk=case.pk).distinct().prefetch_related("subjects"):
        for subject in other.subjects.all():
            if subject.person_id in member_ids:
                by_person.setdefault(subject.person_id, []).append(other)
    for row in rows:
        row["cases"] = by_person.get(row["person"].pk, [])
    return rows


def referral_consents(actor: Actor, case: Case, day: dt.date | None = None) -> list[Consent]:
    """The current consents of the case's subjects the actor may see: the choices of the
    つなぐ form (a case the actor sees has every subject visible to it)."""
    day = day or timezone.localdate()
    persons = policy.visible_persons(actor).filter(pk__in=case.subjects.values("person_id"))
    consents = Consent.objects.filter(person__in=persons, withdrawn_on__isnull=True) \
        .select_related("person").prefetch_related("organizations").order_by("-obtained_on", "-id")
    return [c for c in consents if c.is_current(day)]


def referral_for(actor: Actor, referral_id: Any) -> Referral:
    """A referral for its receiving org (to answer) or an org that sees the case; else 404."""
    try:
        rid = int(referral_id)
    except (TypeError, ValueError):
        raise Http404("見つかりません。") from None
    ref = Referral.objects.select_related("case", "from_org", "to_org", "consent",
                                          "created_by", "responded_by").filter(
        pk=rid, case__municipality_id=policy.tenant_id(actor)).first()
    if ref is None or not policy.handles_persons(actor):
        raise Http404("見つかりません。")
    if ref.to_org_id == actor.organization_id:
        return ref
    if case_policy.visible_cases(actor).filter(pk=ref.case_id).exists():
        return ref
    raise Http404("見つかりません。")


def referral_persons(actor: Actor, ref: Referral) -> list[Any]:
    """Subject persons of a referral shown to the receiving org: only those it may see on its
    own basis (the consent naming it); every shown person is logged."""
    pids = list(ref.case.subjects.values_list("person_id", flat=True))
    bases = policy.bases_for(actor, pids)
    persons = list(policy.visible_persons(actor).filter(pk__in=bases)
                   .select_related("created_by_org"))
    access_log_many(user=actor.user, action="person.view", organization_id=actor.organization_id,
                    detail="つなぎの確認",
                    entries=[("cases.Referral", ref.pk, p.pk, bases[p.pk]) for p in persons])
    return person_views(actor, persons)


def referrals_waiting(actor: Actor) -> QuerySet[Referral]:
    """Referrals waiting for the actor's organization's answer (oldest deadline first)."""
    if not policy.handles_persons(actor):
        return Referral.objects.none()
    return Referral.objects.filter(to_org_id=actor.organization_id,
                                   status=ReferralStatus.REQUESTED,
                                   case__municipality_id=policy.tenant_id(actor)) \
        .select_related("from_org", "case").order_by("due_on", "id")


def proposals_for(actor: Actor) -> QuerySet[Referral]:
    """Proposals my org received back on its referrals (re-refer or withdraw)."""
    if not policy.handles_persons(actor):
        return Referral.objects.none()
    return Referral.objects.filter(from_org_id=actor.organization_id,
                                   status=ReferralStatus.PROPOSED,
                                   case__in=case_policy.visible_cases(actor)).select_related("to_org")


def overdue_actions(actor: Actor, day: dt.date | None = None) -> QuerySet[Contact]:
    day = day or timezone.localdate()
    return Contact.objects.filter(case__in=case_policy.visible_cases(actor), author_id=actor.user_id,
                                  next_due_on__lt=day, next_done=False) \
        .exclude(next_action="").order_by("next_due_on")


def reviews_due(actor: Actor, day: dt.date | None = None, within_days: int = 14) -> QuerySet[SupportPlan]:
    day = day or timezone.localdate()
    return SupportPlan.objects.filter(
        case__in=case_policy.visible_cases(actor).filter(status__in=OPEN_STATUSES),
        lead_org_id=actor.organization_id, status=PlanStatus.APPROVED,
        review_on__lte=day + dt.timedelta(days=within_days)).select_related("case") \
        .order_by("review_on")


def recently_changed(actor: Actor, days: int = 7) -> QuerySet[Case]:
    since = timezone.now() - dt.timedelta(days=days)
    return cases_for(actor).filter(updated_at__gte=since)


def problems_of(case: Case) -> list[tuple[str, bool]]:
    """The case's 課題の分類 as (label, is_main): ◎ first, then the form's order."""
    from . import problems
    from .models import CaseProblem

    order = {c: i for i, c in enumerate(problems.codes())}
    rows = sorted(CaseProblem.objects.filter(case=case).values_list("code", "is_main"),
                  key=lambda r: (not r[1], order.get(r[0], 99)))
    return [(problems.label(code), main) for code, main in rows]
