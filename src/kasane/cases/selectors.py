"""Reads of cases. Every selector starts from ``access.policy.visible_cases`` (or, for a
referral's receiving org, from ``visible_persons``); persons are shown via ``person_views``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
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
    Closure,
    Contact,
    Involvement,
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


def case_list(actor: Actor, *, status: str = "", limit: int = LIST_LIMIT,
              detail: str = "") -> list[Case]:
    """The newest ``limit`` cases of ``cases_for``, subjects prefetched (one query for every
    row). A list shows who the cases are about, so each shown subject is logged (``case.list``:
    one row per case and person, with the basis it is shown on). A screen that shows the names
    takes ``cases_for`` and ``listed_names`` instead (it logs them)."""
    cases = list(cases_for(actor, status=status).prefetch_related("subjects")[:limit])
    case_policy.log_cases_listed(actor, cases, detail=detail)
    return cases


def page_relations(case: Case) -> None:
    """Load what the case page and its panels show of ``case`` onto it, one query a relation
    (subjects with their persons, involvements, referrals, plans with their monitoring,
    closures): ``case.subjects.all()`` … then answer from memory for the rest of the request.
    Relations already loaded are left as they are. Only for a case the caller has read
    through ``case_policy.require_case`` (nothing here checks or logs)."""
    prefetch_related_objects([case], *_page_prefetches())


def _page_prefetches() -> list[Prefetch[Any]]:
    # built per call: a Prefetch's queryset is not shared between requests
    return [
        Prefetch("subjects", queryset=CaseSubject.objects.select_related(
            "person", "person__created_by_org")),
        Prefetch("involvements", queryset=Involvement.objects.select_related("organization")
                 .order_by("ended_on", "started_on", "id")),
        Prefetch("referrals", queryset=Referral.objects.select_related("from_org", "to_org")),
        Prefetch("plans", queryset=SupportPlan.objects.select_related(
            "lead_org", "lead_user", "approved_by").prefetch_related("monitoring")),
        Prefetch("closures", queryset=Closure.objects.select_related("watch_org")),
    ]


def case_subjects(case: Case) -> list[CaseSubject]:
    """The case's subject rows (primary first) with their persons (one query, none when
    ``page_relations`` loaded them)."""
    prefetch_related_objects([case], Prefetch("subjects", queryset=CaseSubject.objects
                                              .select_related("person", "person__created_by_org")))
    return list(case.subjects.all())


def subjects_of(actor: Actor, case: Case) -> list[Any]:
    """The case's persons as the actor may see them (masked where 閲覧制限 applies)."""
    subjects = case_subjects(case)
    views = person_views(actor, [s.person for s in subjects])
    for view, s in zip(views, subjects, strict=True):
        view.is_primary = s.is_primary  # type: ignore[attr-defined]
    return views


def listed_names(actor: Actor, cases: list[Case], *, detail: str,
                 action: str = "case.list") -> dict[int, str]:
    """The subjects' names of a list of visible cases (primary first), logged as the list
    shows them (``case_policy.log_cases_listed``) from the same subject rows: one query for
    the names, four for the log."""
    rows = list(CaseSubject.objects.filter(case__in=cases).select_related("person")
                .order_by("case_id", "-is_primary", "id"))
    if cases:
        case_policy.log_cases_listed(actor, cases, action=action, detail=detail,
                                     subjects=[(r.case_id, r.person_id) for r in rows])
    names: dict[int, list[str]] = {}
    for r in rows:
        names.setdefault(r.case_id, []).append(r.person.full_name)
    return {cid: "、".join(n) for cid, n in names.items()}


def timeline(case: Case) -> list[CaseEvent]:
    """The newest 300 events of the case page's 経過, with only what its line shows: time,
    kind, text, link, the organization's name and the contact's organization (its 修正 link).
    Any other field of an event is deferred: read it and each row costs a query (the case
    page's query-count test fails)."""
    return list(case.events.select_related("organization", "contact")
                .only("case_id", "kind", "text", "link", "at", "organization__name",
                      "contact__organization")
                .order_by("-at", "-id")[:300])


def plans_of(case: Case) -> list[SupportPlan]:
    """The plan versions, newest first, with their monitoring (two queries, none when
    ``page_relations`` loaded them)."""
    prefetch_related_objects([case], Prefetch("plans", queryset=SupportPlan.objects.select_related(
        "lead_org", "lead_user", "approved_by").prefetch_related("monitoring")))
    return list(case.plans.all())


def source_record(actor: Actor, case: Case) -> Any:
    """The sheet record the case was opened from, when the actor may see it (title and link
    only; the record page logs its own read)."""
    if case.source_sheet_record_id is None:
        return None
    from kasane.sheets.policy import visible_records

    return visible_records(actor).select_related("definition").filter(
        pk=case.source_sheet_record_id).first()


def household_cases(actor: Actor, case: Case) -> list[dict[str, Any]]:
    """Family members of the subjects the actor may see, with their open cases it may see
    (newest first): the subjects of ``case_subjects``, the households (``households_of``),
    then one query for the members' cases."""
    subjects = case_subjects(case)
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
    others = cases_for(actor, status="open").exclude(pk=case.pk)
    for subject in CaseSubject.objects.filter(person_id__in=member_ids, case__in=others) \
            .select_related("case").order_by("-case__updated_at", "-case__id"):
        by_person.setdefault(subject.person_id, []).append(subject.case)
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
    """Referrals waiting for the actor's organization's answer (oldest deadline first), with
    the sending organization (the lists show its name, the number and the deadline; the case
    is joined only to keep to the tenant)."""
    if not policy.handles_persons(actor):
        return Referral.objects.none()
    return Referral.objects.filter(to_org_id=actor.organization_id,
                                   status=ReferralStatus.REQUESTED,
                                   case__municipality_id=policy.tenant_id(actor)) \
        .select_related("from_org").order_by("due_on", "id")


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
