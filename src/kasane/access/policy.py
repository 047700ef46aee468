"""THE access choke point: the only module that decides who may see or do what with a person.

``actor`` is always the acting ``accounts.Membership`` (``request.membership``): the acting
organization is ``actor.organization``, user-level grants attach to ``actor.user``. Only
memberships with a case role (CASE_ROLES) ever receive person data through a basis; admin,
auditor, committee, secretariat and liaison never do (the auditor reads disclosure reports).

Bases, strongest first (``BASIS_PREFERENCE``): own_record (the recording organization, or an
own_record grant), restriction_named (a user named on a 閲覧制限), consent, case_involvement,
support_meeting, emergency. Grants of other apps are made through ``access.services``.

See docs/access.md for the full model (scopes, masking, emergency review).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import BaseExpression
from django.http import Http404
from django.utils import timezone

from kasane.accounts.models import CASE_ROLES, Actor, Role
from kasane.audit.models import Basis
from kasane.audit.services import access_log
from kasane.core.ids import NO_ID, as_id
from kasane.core.request_memo import memoised
from kasane.people.models import Person

from . import compiled
from .models import SCOPE_ALL, EmergencyReview, Grant

BASIS_PREFERENCE: tuple[str, ...] = (
    Basis.OWN_RECORD, Basis.RESTRICTED_NAMED, Basis.CONSENT, Basis.CASE_INVOLVEMENT,
    Basis.SUPPORT_MEETING, Basis.EMERGENCY,
)
_ANY = frozenset(BASIS_PREFERENCE)
_RECORDING = frozenset({Basis.OWN_RECORD, Basis.RESTRICTED_NAMED, Basis.CASE_INVOLVEMENT})

# Person actions and the bases that allow them. A read with a stated ``purpose`` additionally
# needs a grant whose scope covers it (own_record and restriction_named cover every purpose).
PERSON_ACTIONS: dict[str, frozenset[str]] = {
    "view": _ANY,  # person page, API detail
    "search": _ANY,  # appearing in search results / lists
    "export": _ANY,  # CSV and other downloads
    "edit": _RECORDING,  # change name, address … and household
    "consent.record": _RECORDING | {Basis.CONSENT},
    "consent.withdraw": _RECORDING | {Basis.CONSENT},
    "consent.file": _ANY - {Basis.EMERGENCY},  # the scanned consent form
    "restriction.set": frozenset({Basis.OWN_RECORD, Basis.RESTRICTED_NAMED}),
    "grants.view": frozenset({Basis.OWN_RECORD, Basis.RESTRICTED_NAMED}),
}


def handles_persons(actor: Actor | None) -> bool:
    """True when ``actor`` is an active case-role membership of an active organization."""
    return bool(actor is not None and actor.is_active
                and actor.role in CASE_ROLES and actor.organization.is_active)


PERSONS_NOT_HANDLER = "本人情報は相談支援に携わる職員のみが扱えます。"
NO_TENANT = 0  # no municipality has this id: a filter on it matches nothing


def tenant_id(actor: Actor | None) -> int:
    """The acting membership's municipality id, or NO_TENANT without an actor."""
    if actor is None:
        return NO_TENANT
    return int(actor.organization.municipality_id)


def _scope_q(purpose: str | None) -> Q:
    if purpose is None:
        return Q()
    return (Q(scope=SCOPE_ALL) | Q(scope=purpose) | Q(scope__startswith=f"{purpose},")
            | Q(scope__endswith=f",{purpose}") | Q(scope__contains=f",{purpose},"))


def _grantee_q(actor: Actor) -> Q:
    org_id, user_id = actor.organization_id, actor.user_id
    return (Q(organization_id=org_id, user__isnull=True)
            | Q(organization_id=org_id, user_id=user_id)
            | Q(organization__isnull=True, user_id=user_id))


@memoised
def active_grants(actor: Actor | None, *, purpose: str | None = None,
                  at: dt.datetime | None = None) -> QuerySet[Grant]:
    """Grants that currently apply to ``actor`` (none unless the actor handles persons)."""
    if actor is None or not handles_persons(actor):
        return Grant.objects.none()
    now = at or timezone.now()
    return Grant.objects.filter(
        _grantee_q(actor), _scope_q(purpose), municipality_id=tenant_id(actor),
        ended_at__isnull=True, valid_from__lte=now,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))


def bases_for(actor: Actor | None, person_ids: Iterable[int], *, action: str = "view",
              purpose: str | None = None, at: dt.datetime | None = None) -> dict[int, str]:
    """The best allowing basis for each visible id (ids not visible are absent). Bulk: 3 queries."""
    allowed = PERSON_ACTIONS.get(action)
    if allowed is None:
        raise ValueError(f"unknown person action {action!r}")
    ids = {as_id(i) for i in person_ids} - {NO_ID}  # beyond 64 bits: no row, no overflow
    if not ids or actor is None or not handles_persons(actor):
        return {}
    found: dict[int, set[str]] = {}
    for pid, org_id in Person.objects.filter(pk__in=ids, municipality_id=tenant_id(actor)) \
            .values_list("pk", "created_by_org_id"):
        found[pid] = {Basis.OWN_RECORD} if org_id == actor.organization_id else set()
    if not found:
        return {}
    named = Person.restriction_users.through.objects.filter(
        person_id__in=found, user_id=actor.user_id).values_list("person_id", flat=True)
    for pid in named:
        found[pid].add(Basis.RESTRICTED_NAMED)
    for pid, basis in active_grants(actor, purpose=purpose, at=at).filter(
            person_id__in=found).values_list("person_id", "basis"):
        found[pid].add(basis)
    result = {}
    for pid, bases in found.items():
        best = next((b for b in BASIS_PREFERENCE if b in bases and b in allowed), None)
        if best is not None:
            result[pid] = str(best)
    return result


# The annotations of ``basis_annotations``, in this order; ``basis_from`` reads them.
BASIS_NAMED = "_basis_named"
BASIS_GRANT = "_basis_grant"
BASIS_COLUMNS = (BASIS_NAMED, BASIS_GRANT)


def basis_annotations(actor: Actor, *, action: str = "view", purpose: str | None = None,
                      at: dt.datetime | None = None) -> dict[str, BaseExpression]:
    """Per-person annotations (``Person`` querysets, or compiled into a statement of their
    own) from which ``basis_from`` gives the best basis for ``action``: BASIS_NAMED — the
    actor's user is named on the person's 閲覧制限; BASIS_GRANT — the preference rank
    (index in BASIS_PREFERENCE) of the best active grant of the actor whose basis allows
    ``action``, NULL without one. Together with the person's ``created_by_org_id`` that is
    everything ``bases_for`` looks at, read in the same statement as the persons."""
    allowed = PERSON_ACTIONS.get(action)
    if allowed is None:
        raise ValueError(f"unknown person action {action!r}")
    named = Person.restriction_users.through.objects.filter(
        person_id=OuterRef("pk"), user_id=actor.user_id)
    rank = Case(*[When(basis=b, then=Value(i)) for i, b in enumerate(BASIS_PREFERENCE)],
                output_field=IntegerField())
    grants = (active_grants(actor, purpose=purpose, at=at)
              .filter(person_id=OuterRef("pk"), basis__in=sorted(allowed))
              .annotate(_rank=rank).order_by("_rank").values("_rank")[:1])
    return {BASIS_NAMED: Exists(named), BASIS_GRANT: Subquery(grants, output_field=IntegerField())}


def basis_from(actor: Actor, created_by_org_id: int | None, named: bool,
               grant_rank: int | None, *, action: str = "view") -> str | None:
    """The best basis for ``action`` from a person's recording organization and the values of
    ``basis_annotations`` (the same preference as ``bases_for``), or None. The caller has
    scoped the person to the actor's municipality."""
    allowed = PERSON_ACTIONS[action]
    if not handles_persons(actor):
        return None
    held = {grant_rank} if grant_rank is not None else set()
    if created_by_org_id == actor.organization_id:
        held.add(BASIS_PREFERENCE.index(Basis.OWN_RECORD))
    if named:
        held.add(BASIS_PREFERENCE.index(Basis.RESTRICTED_NAMED))
    for i in sorted(held):
        if BASIS_PREFERENCE[i] in allowed:
            return str(BASIS_PREFERENCE[i])
    return None


def persons_with_bases(actor: Actor | None, person_ids: Iterable[int], *, action: str = "view",
                       purpose: str | None = None, at: dt.datetime | None = None
                       ) -> dict[int, tuple[Person, str]]:
    """``bases_for`` and the load of those persons (``created_by_org`` joined) in ONE query
    (``basis_annotations``) instead of four: each person of ``person_ids`` the actor may
    ``action``, with its best basis — the same answer as ``bases_for`` (the access matrix
    tests check both)."""
    if action not in PERSON_ACTIONS:
        raise ValueError(f"unknown person action {action!r}")
    ids = {as_id(i) for i in person_ids} - {NO_ID}
    if not ids or actor is None or not handles_persons(actor):
        return {}
    result: dict[int, tuple[Person, str]] = {}
    for row in Person.objects.filter(pk__in=ids, municipality_id=tenant_id(actor)) \
            .select_related("created_by_org") \
            .annotate(**basis_annotations(actor, action=action, purpose=purpose, at=at)):
        best = basis_from(actor, row.created_by_org_id, getattr(row, BASIS_NAMED),
                          getattr(row, BASIS_GRANT), action=action)
        if best is not None:
            result[row.pk] = (row, best)
    return result


def person_basis(actor: Actor | None, person_id: object, *, action: str = "view", purpose: str | None = None,
                 at: dt.datetime | None = None) -> str | None:
    """The basis that allows ``actor`` to do ``action`` with the person, or None. Logs nothing."""
    pid = as_id(person_id)
    if not pid:
        return None
    return bases_for(actor, [pid], action=action, purpose=purpose, at=at).get(pid)


@memoised
def visible_persons(actor: Actor | None, queryset: QuerySet[Person] | None = None, *,
                    purpose: str | None = None, at: dt.datetime | None = None) -> QuerySet[Person]:
    """``queryset`` (default: all persons) narrowed to those ``actor`` may see, in its tenant.
    At the current time the rule comes precompiled (``access.compiled.pk_filter``: the
    persons' ids, selected by the database when the query runs)."""
    qs = queryset if queryset is not None else Person.objects.all()
    if actor is None or not handles_persons(actor):
        return qs.none()
    if at is None:
        narrow = compiled.pk_filter(
            ("access.visible_persons", purpose), actor,
            lambda when: _visible_persons(actor, Person.objects.all(), purpose, when),
            rule=(_visible_persons, active_grants),
            implied={"municipality_id": tenant_id(actor)})
        if narrow is not None:
            return narrow(qs)
    return _visible_persons(actor, qs, purpose, at)


def _visible_persons(actor: Actor, qs: QuerySet[Person], purpose: str | None,
                     at: dt.datetime | None) -> QuerySet[Person]:
    """The person rule itself: own record, an active grant (for ``purpose``), or named on
    the person's 閲覧制限 — within the actor's tenant."""
    grants = active_grants(actor, purpose=purpose, at=at).filter(person_id=OuterRef("pk"))
    named = Person.restriction_users.through.objects.filter(
        person_id=OuterRef("pk"), user_id=actor.user_id)
    return qs.filter(municipality_id=tenant_id(actor)).filter(
        Q(created_by_org_id=actor.organization_id) | Exists(grants) | Exists(named))


def log_action(action: str) -> str:
    return action if action.startswith("person.") else f"person.{action}"


def require_person(actor: Actor | None, person_id: object, *, action: str = "view",
                   purpose: str | None = None, detail: str = "") -> tuple[Person, str]:
    """Load a person the actor may ``action`` and log the read with its basis.

    Otherwise log ``denied`` and raise Http404: invisible is indistinguishable from nonexistent.
    """
    pid = as_id(person_id)
    basis = person_basis(actor, pid, action=action, purpose=purpose) if pid else None
    user = actor.user if actor is not None else None
    org_id = actor.organization_id if actor is not None else None
    if basis is None:
        access_log(user=user, action=log_action(action), basis=Basis.DENIED,
                   organization_id=org_id, object_type="people.Person",
                   object_id=person_id if pid else "", person_id=pid,
                   detail=(detail or (f"目的: {purpose}" if purpose else ""))[:500])
        raise Http404("見つかりません。")
    person = Person.objects.select_related("created_by_org").get(pk=pid)
    access_log(user=user, action=log_action(action), basis=basis, organization_id=org_id,
               object_type="people.Person", object_id=pid, person_id=pid,
               detail=(detail or (f"目的: {purpose}" if purpose else ""))[:500])
    return person, basis


def log_denied(actor: Actor | None, action: str, *, person_id: int | None = None, detail: str = "") -> None:
    """Log a refusal decided by ``can`` (e.g. a role that may never do ``action``)."""
    access_log(user=actor.user if actor is not None else None, action=log_action(action),
               basis=Basis.DENIED,
               organization_id=actor.organization_id if actor is not None else None,
               object_type="people.Person" if person_id else "", object_id=person_id or "",
               person_id=person_id, detail=detail)


def require_handler(actor: Actor | None, *, message: str, detail: str = "") -> Actor:
    """``actor`` when it may handle persons (``handles_persons``); otherwise log the refusal
    and raise PermissionDenied(message). Screens and APIs of person-bearing apps start here."""
    if actor is None or not handles_persons(actor):
        log_denied(actor, "search", detail=detail)
        raise PermissionDenied(message)
    return actor


def named_on_restriction(actor: Actor | None, person_ids: Iterable[int]) -> set[int]:
    if actor is None:
        return set()
    through = Person.restriction_users.through
    return set(through.objects.filter(person_id__in=list(person_ids), user_id=actor.user_id)
               .values_list("person_id", flat=True))


def is_restricted_for(actor: Actor | None, person: Person, *, named: set[int] | None = None) -> bool:
    """True when the person's address, phone and household must be masked for ``actor``.

    Pass ``named`` (from ``named_on_restriction``) when masking a list to avoid a query a row.
    """
    if not person.restriction:
        return False
    if named is not None:
        return person.pk not in named
    return person.pk not in named_on_restriction(actor, [person.pk])


def _person_id(obj: object) -> int:
    return obj.pk if isinstance(obj, Person) else as_id(obj)


def can(actor: Actor | None, action: str, obj: object = None) -> bool:
    """May ``actor`` do ``action`` (with ``obj``)? Logs nothing; ``require_person`` logs reads.

    Actions: person.create, emergency.request, emergency.review (obj: EmergencyReview or None),
    disclosure.lookup, disclosure.view (obj: Person), and every key of PERSON_ACTIONS (obj: Person or its id).
    """
    if actor is None or not actor.is_active:
        return False
    if action in ("person.create", "emergency.request"):
        return handles_persons(actor)
    if action == "emergency.review":
        if actor.role != Role.COORDINATOR or not actor.organization.is_active:
            return False
        if obj is None:
            return True
        if not isinstance(obj, EmergencyReview):
            raise TypeError("emergency.review takes an EmergencyReview")
        return bool(obj.municipality_id == tenant_id(actor) and obj.is_open
                    and obj.requested_by_id != actor.user_id)
    if action == "disclosure.lookup":  # the lookup screen; each report checks disclosure.view
        return actor.role in (Role.AUDITOR, Role.COORDINATOR)
    if action == "disclosure.view":
        if not isinstance(obj, Person) or obj.municipality_id != tenant_id(actor):
            return False
        if actor.role == Role.AUDITOR:
            return True
        return bool(actor.role == Role.COORDINATOR
                    and person_basis(actor, obj.pk, action="grants.view") == Basis.OWN_RECORD)
    if action == "grants.view" and actor.role == Role.COORDINATOR:
        return person_basis(actor, _person_id(obj), action="view") is not None
    if action in PERSON_ACTIONS:
        return person_basis(actor, _person_id(obj), action=action) is not None
    raise ValueError(f"unknown action {action!r}")
