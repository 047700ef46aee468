"""Who may see and do what with 参加支援 and 人材バンク records, built on ``access.policy``.

**Matches** (proposals to a place and what followed) are seen by

* those who see the case (``cases.policy.visible_cases``: an active Involvement or a view
  CaseGrant, and every subject visible) — the CSW side, who write through ``can_manage``;
* the members (case roles) of the place's organization when the proposal was *shared* with it:
  the place's provider is linked to an ``accounts.Organization`` with accounts **and** the
  person's current ``participation`` consent names that organization. The consent's Grant
  rows (``people.services.consent_record``: scope ``participation``) are the widening — the
  person must be visible to the actor *for that purpose*; withdrawing the consent ends it.

**Volunteers** (人材バンク, personal data of the registrants) are seen by the case-role members
of the registering organization and the tenant's 推進員; the registration is given with the
volunteer's consent to be introduced to places (logged as basis ``consent`` for 推進員).

Every read goes through ``require_*`` (logged, 404 alike when invisible); lists log their rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404

from kasane.access import compiled, policy
from kasane.accounts.models import Actor, Role
from kasane.audit.models import Basis
from kasane.audit.services import access_log, access_log_many
from kasane.cases import policy as case_policy
from kasane.cases.models import Case
from kasane.core.ids import as_id
from kasane.core.request_memo import memoised
from kasane.people.models import Purpose

from .models import Match, Volunteer

NOT_HANDLER = "参加支援は相談支援に携わる職員のみが扱えます。"
NOT_INVOLVED = "このケースに関与している機関の職員だけが参加支援を記録できます。"
NOT_BANK = "人材バンクを扱えるのは、登録した機関の職員と推進員です。"


def require_handler(actor: Actor | None, *, detail: str = "") -> Actor:
    return policy.require_handler(actor, message=NOT_HANDLER, detail=detail)


@memoised
def hosted_matches(actor: Actor | None) -> QuerySet[Match]:
    """Matches shared with the actor's organization as the place (see the module docstring).
    The rule comes precompiled (``access.compiled.pk_filter``), evaluated when the query runs."""
    if actor is None or not policy.handles_persons(actor):
        return Match.objects.none()
    narrow = compiled.pk_filter(
        "participation.hosted_matches", actor, lambda at: _hosted_matches(actor, at),
        rule=(_hosted_matches, policy.visible_persons),
        implied={"municipality_id": policy.tenant_id(actor)})
    return narrow(Match.objects.all()) if narrow is not None else _hosted_matches(actor, None)


def _hosted_matches(actor: Actor, at: dt.datetime | None) -> QuerySet[Match]:
    persons = policy.visible_persons(actor, purpose=Purpose.PARTICIPATION, at=at).values("pk")
    return Match.objects.filter(municipality_id=policy.tenant_id(actor),
                                host_org_id=actor.organization_id, consent__isnull=False,
                                consent__withdrawn_on__isnull=True, person_id__in=persons)


@memoised
def visible_matches(actor: Actor | None) -> QuerySet[Match]:
    """Matches on the cases the actor sees, or shared with it as the place. Logs nothing.
    The rule comes precompiled (``access.compiled.pk_filter``), evaluated when the query runs."""
    if actor is None or not policy.handles_persons(actor):
        return Match.objects.none()
    narrow = compiled.pk_filter(
        "participation.visible_matches", actor, lambda at: _visible_matches(actor, at),
        rule=(_visible_matches, _hosted_matches, case_policy.visible_cases),
        implied={"municipality_id": policy.tenant_id(actor)})
    return narrow(Match.objects.all()) if narrow is not None else _visible_matches(actor, None)


def _visible_matches(actor: Actor, at: dt.datetime | None) -> QuerySet[Match]:
    cases = case_policy.visible_cases(actor, at=at).values("pk")
    hosted = _hosted_matches(actor, at).values("pk")
    return Match.objects.filter(Q(case_id__in=cases) | Q(pk__in=hosted),
                                municipality_id=policy.tenant_id(actor))


def _log(actor: Actor | None, action: str, basis: str, obj_id: object,
         person_id: int | None, detail: str = "") -> None:
    access_log(user=actor.user if actor is not None else None, action=action, basis=basis,
               organization_id=actor.organization_id if actor is not None else None,
               object_type="participation.Match", object_id=obj_id, person_id=person_id,
               detail=detail[:500])


def _basis(actor: Actor, match: Match) -> str:
    purpose = None if is_case_side(actor, match) else Purpose.PARTICIPATION
    return policy.person_basis(actor, match.person_id, purpose=purpose) or Basis.DENIED


def is_case_side(actor: Actor, match: Match) -> bool:
    return case_policy.visible_cases(actor, Case.objects.filter(pk=match.case_id)).exists()


def require_match(actor: Actor | None, match_id: object, *, action: str = "view",
                  detail: str = "") -> Match:
    """The match if visible (read logged ``participation.match.<action>`` with the person's
    basis), else a logged denial and 404."""
    mid = as_id(match_id)
    match = visible_matches(actor).select_related(
        "place", "case", "person", "host_org").filter(pk=mid).first() if mid else None
    if match is None or actor is None:
        _log(actor, f"participation.match.{action}", Basis.DENIED, match_id if mid else "",
             None, detail)
        raise Http404("見つかりません。")
    _log(actor, f"participation.match.{action}", _basis(actor, match), match.pk,
         match.person_id, detail)
    return match


def log_matches(actor: Actor, matches: Iterable[Match], *, action: str = "participation.match.list",
                purpose: str | None = None) -> None:
    """A list shows each match's person: one row a match with the basis it was shown on."""
    rows = list(matches)
    bases = policy.bases_for(actor, {m.person_id for m in rows}, purpose=purpose)
    access_log_many(user=actor.user, action=action, organization_id=actor.organization_id,
                    entries=[("participation.Match", m.pk, m.person_id,
                              bases.get(m.person_id, Basis.DENIED)) for m in rows])


def can_manage(actor: Actor | None, case: Case) -> bool:
    """Record wishes, proposals, starts, follow-ups: an organization involved in the case."""
    return case_policy.is_involved(actor, case)


def can_answer(actor: Actor | None, match: Match) -> bool:
    """The place's answer: recorded by the case side (received by phone or paper) or given by
    the place's organization itself when the proposal was shared with it."""
    if actor is None or match.stage not in ("proposed", "on_hold"):
        return False
    if match.host_org_id == actor.organization_id and match.consent_id is not None:
        return hosted_matches(actor).filter(pk=match.pk).exists()
    return can_manage(actor, match.case)


# --- 人材バンク ----------------------------------------------------------------------------

def may_use_bank(actor: Actor | None) -> bool:
    return policy.handles_persons(actor)


def visible_volunteers(actor: Actor | None) -> QuerySet[Volunteer]:
    """Volunteers registered by the actor's organization; every one of the tenant for 推進員."""
    if actor is None or not policy.handles_persons(actor):
        return Volunteer.objects.none()
    qs = Volunteer.objects.filter(municipality_id=policy.tenant_id(actor))
    if actor.role == Role.COORDINATOR:
        return qs
    return qs.filter(registered_by_org_id=actor.organization_id)


def volunteer_basis(actor: Actor, volunteer: Volunteer) -> str:
    return Basis.OWN_RECORD if volunteer.registered_by_org_id == actor.organization_id \
        else Basis.CONSENT


def require_volunteer(actor: Actor | None, volunteer_id: object, *, action: str = "view") -> Volunteer:
    """The volunteer if visible (logged ``participation.volunteer.<action>``), else 404."""
    vid = as_id(volunteer_id)
    found = visible_volunteers(actor).filter(pk=vid).first() if vid else None
    user = actor.user if actor is not None else None
    org_id = actor.organization_id if actor is not None else None
    if found is None or actor is None:
        access_log(user=user, action=f"participation.volunteer.{action}", basis=Basis.DENIED,
                   organization_id=org_id, object_type="participation.Volunteer",
                   object_id=volunteer_id if vid else "")
        raise Http404("見つかりません。")
    access_log(user=user, action=f"participation.volunteer.{action}",
               basis=volunteer_basis(actor, found), organization_id=org_id,
               object_type="participation.Volunteer", object_id=found.pk)
    return found


def log_volunteers(actor: Actor, volunteers: Iterable[Volunteer]) -> None:
    access_log_many(user=actor.user, action="participation.volunteer.list",
                    organization_id=actor.organization_id,
                    entries=[("participation.Volunteer", v.pk, None, volunteer_basis(actor, v))
                             for v in volunteers])
