"""Reads of participation, each for an actor who passed ``policy`` (callers log the reads)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from kasane.accounts.models import Actor
from kasane.cases.models import Case
from kasane.people.models import Person
from kasane.resources.models import Place, PlaceStatus

from . import places, policy
from .models import OPEN_STAGES, FollowUp, HelpRequest, Match, Volunteer, Wish
from .ranking import Suggestion, WishFacts, rank

# The sheet's / wish's 参加の形 that point at a kind of place.
ROLE_KINDS = {"volunteer": "volunteer", "learning": "learning", "work_trial": "work_trial",
              "work": "employment"}


def wish_facts(wish: Wish | None, person: Person, day: dt.date | None = None) -> WishFacts:
    """The wish as ``ranking`` reads it (the person's age on ``day``)."""
    age = person.age_on(day or timezone.localdate())
    if wish is None:
        return WishFacts(age=age)
    return WishFacts(roles=tuple(wish.roles), kinds=tuple(wish.kinds), days=tuple(wish.days),
                     time_bands=tuple(wish.time_bands), area_id=wish.area_id,
                     transport=wish.transport, needs_accessibility=wish.needs_accessibility,
                     needs_escort=wish.needs_escort, max_cost=wish.max_cost, age=age)


def wish_of(case: Case, person_id: int) -> Wish | None:
    return Wish.objects.filter(case=case, person_id=person_id).select_related("area").first()


def wishes_of(case: Case) -> list[Wish]:
    """The case's wishes, one per subject who has one, oldest first."""
    return list(Wish.objects.filter(case=case).order_by("id"))


def match_page(match_id: int) -> Match:
    """A match the caller was allowed (``policy.require_match`` or its own write), with its
    place and follow-ups, as the API returns it."""
    return Match.objects.select_related("place").prefetch_related("follow_ups").get(pk=match_id)


def suggestions(case: Case, person: Person, *, limit: int = 10) -> list[Suggestion]:
    """The tenant's published places ranked for the person's wish on the case (places with an
    open proposal of the person are left out)."""
    wish = wish_of(case, person.pk)
    taken = set(Match.objects.filter(case=case, person=person, stage__in=OPEN_STAGES)
                .values_list("place_id", flat=True))
    facts = [places.facts(p) for p in places.places_for_ranking(case.municipality_id)
             if p.pk not in taken]
    return rank(wish_facts(wish, person), facts, limit=limit)


def case_matches(case: Case) -> list[Match]:
    """The case's matches with their place and follow-ups (3 queries)."""
    return list(Match.objects.filter(case=case).select_related("place", "person")
                .prefetch_related("follow_ups").order_by("-proposed_on", "-id"))


def follow_ups_due(actor: Actor, *, within_days: int = 14) -> QuerySet[FollowUp]:
    """Planned follow-ups not yet done, due within ``within_days`` (or overdue), on the
    matches of cases the actor's organization takes part in."""
    until = timezone.localdate() + dt.timedelta(days=within_days)
    matches = policy.visible_matches(actor).filter(
        case__involvements__organization_id=actor.organization_id,
        case__involvements__ended_on__isnull=True, stage="started").values("pk")
    return (FollowUp.objects.filter(match_id__in=matches, on__isnull=True, due_on__lte=until)
            .select_related("match", "match__place", "match__person").order_by("due_on", "id"))


def proposals_to_answer(actor: Actor) -> QuerySet[Match]:
    """Proposals shared with the actor's organization (as the place) that wait for its answer."""
    return (policy.hosted_matches(actor).filter(stage__in=("proposed", "on_hold"))
            .select_related("place", "person").order_by("proposed_on", "id"))


def volunteers_for(actor: Actor, *, kinds: list[str] | None = None,
                   area_id: int | None = None) -> list[Volunteer]:
    """Active volunteers the actor sees, those of the area and kinds wanted first."""
    rows = list(policy.visible_volunteers(actor).filter(active=True).select_related("area"))

    def fit(v: Volunteer) -> tuple[int, str]:
        score = (2 if area_id and v.area_id == area_id else 0) + (
            1 if kinds and set(kinds) & set(v.kinds) else 0)
        return (-score, v.name_kana or v.name)
    return sorted(rows, key=fit)


def hours_total(volunteer: Volunteer) -> Any:
    from django.db.models import Sum
    return volunteer.hours.aggregate(total=Sum("hours"))["total"] or 0


def place_choices(municipality_id: int) -> list[tuple[str, str]]:
    """(id, name) of the tenant's places that are not closed, by name (a form's choices)."""
    rows = Place.objects.filter(municipality_id=municipality_id).exclude(
        status=PlaceStatus.CLOSED).order_by("name").values_list("pk", "name")
    return [(str(pk), name) for pk, name in rows]


def help_requests(municipality_id: int, *, open_only: bool = False, limit: int = 100
                  ) -> list[HelpRequest]:
    """The tenant's 募集 (open ones first, newest first) with their place and its area."""
    qs = HelpRequest.objects.filter(municipality_id=municipality_id)
    if open_only:
        qs = qs.filter(is_open=True)
    return list(qs.select_related("place", "place__area").order_by("-is_open", "-created_at")
                [:limit])
