"""Reads of meetings, starting from ``meetings.policy`` (which decides who sees what)."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.cases import policy as case_policy
from kasane.people.presenters import person_views

from . import policy as meeting_policy
from .models import AgendaItem, Attendee, Meeting, MeetingBody, MeetingType


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


def items_for(actor: Actor, meeting: Meeting) -> list[dict[str, Any]]:
    """The agenda: titles for everyone who may see the meeting; the case, question, minutes and
    decisions only for pledged attendees, read through ``require_case`` (logged)."""
    pledged = meeting_policy.is_pledged(actor, meeting)
    rows = []
    for item in meeting.items.select_related("presenting_org", "case", "case__lead_org"):
        row: dict[str, Any] = {"item": item, "open": False}
        if pledged:
            visible = case_policy.visible_cases(actor).filter(pk=item.case_id).exists()
            if visible:
                case = case_policy.require_case(actor, item.case_id, action="meeting.view",
                                           detail=f"会議#{meeting.pk}")
                subjects = list(case.subjects.select_related("person", "person__created_by_org"))
                row.update(open=True, case=case,
                           persons=person_views(actor, [s.person for s in subjects]),
                           decisions=list(item.decisions.select_related(
                               "plan", "lead_org", "referred_body")),
                           plans=list(case.plans.filter(status="draft").order_by("-version")))
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
    """Meetings held and cases discussed per type in [start, end) (feeds statistics later)."""
    out: dict[str, int] = {}
    held = Meeting.objects.filter(municipality_id=municipality_id,
                                  starts_at__date__gte=start, starts_at__date__lt=end,
                                  starts_at__lte=timezone.now())
    for code in MeetingType.values:
        of_type = held.filter(body__type=code)
        out[f"{code}.held"] = of_type.count()
        out[f"{code}.cases"] = AgendaItem.objects.filter(meeting__in=of_type).values(
            "case_id").distinct().count()
    return out


def pledges_to_sign(actor: Actor) -> QuerySet[Attendee]:
    return Attendee.objects.filter(
        user_id=actor.user_id, organization_id=actor.organization_id, pledge__isnull=True,
        meeting__window_ends_at__gt=timezone.now()).select_related("meeting", "meeting__body") \
        .order_by("meeting__starts_at")
