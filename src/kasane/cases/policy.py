"""Who may see and do what with cases (DESIGN.md §5), built on ``access.policy``.

A case is visible to an actor when its organization has an active Involvement **or** an active
``CaseGrant`` for the view purpose names it (a pledged meeting attendee inside the review
window — rows written by meetings through ``cases.services.grants``), **and** every subject
person is visible to it on a basis of its own (``access.policy.visible_persons``). A つなぎ may
go without consent when an active ``refer`` CaseGrant names the receiving organization
(法106条の6). Screens, API and other apps read cases only through this module; reads are
logged per subject person, denials too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kasane.access import compiled, policy
from kasane.accounts.models import Actor, Role
from kasane.audit.models import Basis
from kasane.audit.services import access_log, access_log_many
from kasane.core.ids import as_id
from kasane.core.request_memo import memoised
from kasane.people.models import Person

from .models import Case, CaseGrant, CaseGrantPurpose, CaseSubject, Involvement

R = TypeVar("R", bound=Model)
NOT_HANDLER = "支援ケースは相談支援に携わる職員のみが扱えます。"


def require_handler(actor: Actor | None, *, detail: str = "") -> Actor:
    """The actor when it handles persons; otherwise the refusal is logged and raised."""
    return policy.require_handler(actor, message=NOT_HANDLER, detail=detail)


@memoised
def active_case_grants(actor: Actor, purpose: str, *,
                       at: dt.datetime | None = None) -> QuerySet[CaseGrant]:
    """CaseGrant rows that currently apply to ``actor`` (its organization, or it as a user in
    that organization) for ``purpose``."""
    now = at or timezone.now()
    return CaseGrant.objects.filter(
        Q(user__isnull=True) | Q(user_id=actor.user_id),
        organization_id=actor.organization_id, purpose=purpose,
        municipality_id=policy.tenant_id(actor), ended_at__isnull=True, valid_from__lte=now,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))


@memoised
def visible_cases(actor: Actor | None, queryset: QuerySet[Case] | None = None, *,
                  at: dt.datetime | None = None) -> QuerySet[Case]:
    """Cases ``actor`` may see (see the module docstring). Logs nothing. At the current time
    the rule comes precompiled (``access.compiled.pk_filter``: the cases' ids, selected by
    the database when the query runs)."""
    qs = queryset if queryset is not None else Case.objects.all()
    if actor is None or not policy.handles_persons(actor):
        return qs.none()
    if at is None:
        narrow = compiled.pk_filter(
            "cases.visible_cases", actor,
            lambda when: _visible_cases(actor, Case.objects.all(), when),
            rule=(_visible_cases, active_case_grants, policy.visible_persons),
            implied={"municipality_id": policy.tenant_id(actor)})
        if narrow is not None:
            return narrow(qs)
    return _visible_cases(actor, qs, at)


def _visible_cases(actor: Actor, qs: QuerySet[Case], at: dt.datetime | None) -> QuerySet[Case]:
    """The case rule itself: an active Involvement or a view CaseGrant, in the actor's
    tenant, and no subject person the actor may not see."""
    involved = Involvement.objects.filter(case_id=OuterRef("pk"), ended_on__isnull=True,
                                          organization_id=actor.organization_id)
    granted = active_case_grants(actor, CaseGrantPurpose.VIEW, at=at).filter(
        case_id=OuterRef("pk"))
    hidden = CaseSubject.objects.filter(case_id=OuterRef("pk")).exclude(
        person_id__in=policy.visible_persons(actor, at=at).values("pk"))
    return qs.filter(Exists(involved) | Exists(granted),
                     municipality_id=policy.tenant_id(actor)).exclude(Exists(hidden))


def require_case(actor: Actor | None, case_id: object, *, action: str = "view",
                 detail: str = "") -> Case:
    """Load a case the actor may see and log ``case.<action>`` (one row per subject person);
    otherwise log ``denied`` and raise Http404 (invisible = nonexistent)."""
    cid = as_id(case_id)
    case = visible_cases(actor, Case.objects.filter(pk=cid)).select_related(
        "lead_org", "lead_user").first() if cid else None
    user = actor.user if actor is not None else None
    org_id = actor.organization_id if actor is not None else None
    if case is None:
        access_log(user=user, action=f"case.{action}", basis=Basis.DENIED, organization_id=org_id,
                   object_type="cases.Case", object_id=case_id if cid else "",
                   detail=detail[:500])
        raise Http404("見つかりません。")
    assert actor is not None  # visible_cases shows nothing without one
    pids = list(case.subjects.values_list("person_id", flat=True))
    bases = policy.bases_for(actor, pids)
    access_log_many(user=user, action=f"case.{action}", organization_id=org_id,
                    detail=detail[:500],
                    entries=[("cases.Case", case.pk, pid, bases.get(pid, Basis.DENIED))
                             for pid in pids])
    return case


def require_case_row(actor: Actor | None, model: type[R], row_id: object, *, action: str,
                     related: tuple[str, ...] = ()) -> tuple[R, Case]:
    """A record of a case (a contact, plan or involvement: ``model`` has ``case``) and its
    case, when ``require_case`` lets the actor ``action`` the case (logged); a row that does
    not exist is denied and logged like a case the actor may not see (Http404)."""
    rid = as_id(row_id)
    row = model._default_manager.select_related(*related).filter(pk=rid).first() if rid else None
    case = require_case(actor, getattr(row, "case_id", None), action=action)
    assert row is not None  # require_case raised for the missing case
    return row, case


def require_case_subject(actor: Actor | None, case_id: object, person_id: object, *,
                         action: str, detail: str = "") -> tuple[Case, Person]:
    """The case (``require_case``: its read logged for every subject person) and one of its
    subject persons: ``person_id`` when it names one, otherwise the primary subject."""
    case = require_case(actor, case_id, action=action, detail=detail)
    subjects = list(case.subjects.select_related("person").order_by("-is_primary", "id"))
    pid = as_id(person_id)
    return case, next((s for s in subjects if s.person_id == pid), subjects[0]).person


def _log_subjects(actor: Actor, case_ids: Iterable[int], *, action: str, detail: str,
                  bases_action: str, rows: list[tuple[int, int]] | None = None) -> None:
    """One access-log row per subject person of each case (bulk: 5 queries in all, 4 when
    the caller already read the (case id, person id) ``rows`` of exactly those cases)."""
    if rows is None:
        rows = list(CaseSubject.objects.filter(case_id__in=list(case_ids))
                    .values_list("case_id", "person_id"))
    bases = policy.bases_for(actor, {pid for _, pid in rows}, action=bases_action)
    access_log_many(user=actor.user, action=action, organization_id=actor.organization_id,
                    detail=detail[:500],
                    entries=[("cases.Case", cid, pid, bases.get(pid, Basis.DENIED))
                             for cid, pid in rows])


def log_cases_listed(actor: Actor, cases: list[Case], *, action: str = "case.list",
                     detail: str = "", subjects: list[tuple[int, int]] | None = None) -> None:
    """A list (HTML or API) shows each case's subjects' names: one access-log row per shown
    subject person, with the basis it was shown on. ``subjects``: the (case id, person id)
    of every subject of ``cases``, when the caller read them already (``listed_names``)."""
    _log_subjects(actor, [c.pk for c in cases], action=action, detail=detail,
                  bases_action="search", rows=subjects)


def read_cases(actor: Actor, case_ids: Iterable[object], *, action: str = "view",
               detail: str = "") -> dict[int, Case]:
    """``require_case`` for a page that shows several cases (a meeting's agenda): the visible
    ones of ``case_ids`` by id, each read logged as ``case.<action>`` (one row per subject
    person) in a fixed number of queries. Cases the actor may not see are left out, unlogged
    (the page shows their title only, as before)."""
    ids = {cid for cid in (as_id(c) for c in case_ids) if cid}
    if not ids:
        return {}
    cases = {c.pk: c for c in visible_cases(actor, Case.objects.filter(pk__in=ids))
             .select_related("lead_org", "lead_user")}
    if cases:
        _log_subjects(actor, list(cases), action=f"case.{action}", detail=detail,
                      bases_action="view")
    return cases


def is_involved(actor: Actor | None, case: Case) -> bool:
    """The actor's organization takes part in the case (an active Involvement). Others who
    see it (e.g. pledged 支援会議 members) read only. Answered from the involvements the
    request already loaded onto the case (``selectors.page_relations``) when it did."""
    if actor is None or not policy.handles_persons(actor):
        return False
    loaded = getattr(case, "_prefetched_objects_cache", {}).get("involvements")
    if loaded is not None:
        return any(i.organization_id == actor.organization_id and i.ended_on is None
                   for i in loaded)
    return case.involvements.filter(organization_id=actor.organization_id,
                                    ended_on__isnull=True).exists()


def is_lead(actor: Actor | None, case: Case) -> bool:
    """主担当機関 of the case, or a 推進員 (both may steer it)."""
    return bool(actor is not None and policy.handles_persons(actor) and (
        actor.organization_id == case.lead_org_id or actor.role == Role.COORDINATOR))


def require_involved(actor: Actor, case: Case, message: str) -> None:
    """Refuse (PermissionDenied) a write by an organization not involved in the case."""
    if not is_involved(actor, case):
        raise PermissionDenied(message)


def referral_basis_without_consent(actor: Actor, case: Case, to_org_id: int) -> str | None:
    """The basis that lets a つなぎ of ``case`` to ``to_org_id`` go without consent (an
    active ``refer`` CaseGrant naming that organization, e.g. a current 支援会議 it attends),
    else None."""
    now = timezone.now()
    row = CaseGrant.objects.filter(
        case=case, organization_id=to_org_id, purpose=CaseGrantPurpose.REFER,
        municipality_id=policy.tenant_id(actor), ended_at__isnull=True, valid_from__lte=now,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now)).values_list(
        "basis", flat=True).first()
    return str(row) if row else None
