"""Reads of meetings, starting from ``meetings.policy`` (which decides who sees what)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.cases import policy as case_policy
from kasane.cases.models import Case, CaseSubject, PlanStatus, SupportPlan
from kasane.people.presenters import PersonView, person_views

from . import policy as meeting_policy
from .models import (
    CASE_TYPES,
    AgendaItem,
    Attendee,
    Decision,
    Meeting,
    MeetingBody,
    MeetingType,
)


def bodies_for(actor: Actor) -> QuerySet[MeetingBody]:
    return MeetingBody.objects.filter(municipality_id=policy.tenant_id(actor), is_active=True) \
        .select_related("organizer")


def meetings_for(actor: Actor, *, upcoming: bool = False, body: MeetingBody | None = None,
                 start: dt.datetime | None = None, end: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings of the actor's tenant that concern it (推進員: all of the tenant; others: bodies
    their org organizes or belongs to, and meetings they attend)."""
    if not policy.handles_persons(actor):
        return Meeting.objects.none()
    ids = Meeting.objects.filter(meeting_policy.meeting_reach(actor), municipality_id=policy.tenant_id(actor)) \
        .values("pk")
    qs = Meeting.objects.filter(pk__in=ids).select_related("body")
    if upcoming:
        qs = qs.filter(starts_at__gte=timezone.now() - dt.timedelta(hours=12)).order_by("starts_at")
    if body is not None:
        qs = qs.filter(body=body)
    if start is not None:
        qs = qs.filter(starts_at__gte=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return qs.annotate(item_count=Count("items", distinct=True))


@dataclass
class AgendaCase:
    """A case on a meeting's agenda as one reader may see it."""

    case: Case
    persons: list[PersonView]
    person_ids: list[int]
    plans: list[SupportPlan] = field(default_factory=list)  # newest version first


def agenda_cases(actor: Actor, meeting: Meeting, *, action: str) -> dict[int, AgendaCase]:
    """The agenda's cases the actor may see, by case id, each read logged like
    ``require_case`` (``case.<action>``, one row per subject person) — a fixed number of
    queries however long the agenda."""
    cases = case_policy.read_cases(actor, meeting.items.values_list("case_id", flat=True),
                                   action=action, detail=f"会議#{meeting.pk}")
    if not cases:
        return {}
    subjects = list(CaseSubject.objects.filter(case_id__in=list(cases))
                    .select_related("person", "person__created_by_org"))
    views = person_views(actor, [s.person for s in subjects])
    found = {cid: AgendaCase(case=case, persons=[], person_ids=[]) for cid, case in cases.items()}
    for subject, view in zip(subjects, views, strict=True):
        found[subject.case_id].persons.append(view)
        found[subject.case_id].person_ids.append(subject.person_id)
    for plan in SupportPlan.objects.filter(case_id__in=list(cases)).order_by("case_id", "-version"):
        found[plan.case_id].plans.append(plan)
    return found


def agenda_items(meeting: Meeting, shown_case_ids: list[int]) -> QuerySet[AgendaItem]:
    """The meeting's agenda items with their decisions prefetched — only those of the cases
    in ``shown_case_ids`` (the ones ``agenda_cases`` let the reader see)."""
    decisions = Decision.objects.filter(item__case_id__in=shown_case_ids) \
        .select_related("plan", "lead_org", "referred_body")
    return meeting.items.select_related("presenting_org", "case", "case__lead_org") \
        .prefetch_related(Prefetch("decisions", queryset=decisions))


def items_for(actor: Actor, meeting: Meeting) -> list[dict[str, Any]]:
    """The agenda: titles for everyone who may see the meeting; the case, question, minutes and
    decisions only for pledged attendees, read through ``cases.policy.read_cases`` (logged)."""
    pledged = meeting_policy.is_pledged(actor, meeting)
    items = meeting.items.select_related("presenting_org", "case", "case__lead_org")
    if not pledged:
        return [{"item": item, "open": False} for item in items]
    found = agenda_cases(actor, meeting, action="meeting.view")
    rows = []
    for item in agenda_items(meeting, list(found)):
        row: dict[str, Any] = {"item": item, "open": False}
        seen = found.get(item.case_id)
        if seen is not None:
            row.update(open=True, case=seen.case, persons=seen.persons,
                       decisions=list(item.decisions.all()),
                       plans=[p for p in seen.plans if p.status == PlanStatus.DRAFT])
        rows.append(row)
    return rows


def month_grid(meetings: list[Meeting], year: int, month: int) -> list[list[dict[str, Any]]]:
    """Weeks (Monday first) of a month with the meetings of each day."""
    by_day: dict[dt.date, list[Meeting]] = {}
    for m in meetings:
        by_day.setdefault(timezone.localtime(m.starts_at).date(), []).append(m)
    weeks = []
    for week in calendar.Calendar(firstweekday=6).monthdatescalendar(year, month):
        weeks.append([{"day": d, "in_month": d.month == month, "meetings": by_day.get(d, [])}
                      for d in week])
    return weeks


def counts(municipality_id: int, start: dt.date, end: dt.date) -> dict[str, int]:
    """Meetings held and cases discussed per type in [start, end) (feeds statistics): two
    conditional aggregates — meetings per type, distinct agenda cases per case type."""
    held = Meeting.objects.filter(municipality_id=municipality_id,
                                  starts_at__date__gte=start, starts_at__date__lt=end,
                                  starts_at__lte=timezone.now())
    out: dict[str, int] = held.aggregate(**{
        f"{code}.held": Count("pk", filter=Q(body__type=code)) for code in MeetingType.values})
    # a network meeting never holds a case
    out.update(AgendaItem.objects.filter(meeting__in=held).aggregate(**{
        f"{code}.cases": Count("case_id", distinct=True, filter=Q(meeting__body__type=code))
        for code in CASE_TYPES}))
    return out


def pledges_to_sign(actor: Actor) -> QuerySet[Attendee]:
    return Attendee.objects.filter(
        user_id=actor.user_id, organization_id=actor.organization_id, pledge__isnull=True,
        meeting__window_ends_at__gt=timezone.now()).select_related("meeting", "meeting__body") \
        .order_by("meeting__starts_at")
