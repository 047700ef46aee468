"""Reads of 地域づくり, starting from ``community.policy`` (which decides who reads what)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone

from kasane.access import policy
from kasane.accounts.models import Actor
from kasane.areas.models import Area, AreaKind
from kasane.meetings.models import Meeting, MeetingBody, MeetingType
from kasane.resources.models import Place, PlaceStatus

from . import policy as community_policy
from .models import (
    OPEN_ISSUE_STATUSES,
    Activity,
    AreaContact,
    AreaIssue,
    HubLog,
    IssueAction,
    IssueStatus,
    Watcher,
    WatchReport,
)


def issues(actor: Actor, *, area_code: str = "", status: str = "") -> QuerySet[AreaIssue]:
    qs = community_policy.issues_for(actor)
    if area_code:
        qs = qs.filter(area__code=area_code, area__kind=AreaKind.DAILY_LIFE_AREA)
    if status:
        qs = qs.filter(status=status)
    return qs


def issue_actions(issue: AreaIssue) -> list[IssueAction]:
    return list(issue.actions.select_related("created_by", "meeting__body", "resource"))


def action_choices(issue: AreaIssue) -> tuple[list[Meeting], list[Place]]:
    """What an action on ``issue`` may point at: the tenant's 福祉のまちづくり委員会 meetings
    already held (the issue's own committee first) and its places, newest first."""
    held = list(Meeting.objects.filter(municipality_id=issue.municipality_id,
                                       body__type=MeetingType.AREA_COMMITTEE,
                                       starts_at__lte=timezone.now())
                .select_related("body").order_by("-starts_at")[:60])
    held.sort(key=lambda m: m.body_id != issue.committee_id)
    places = list(Place.objects.filter(municipality_id=issue.municipality_id)
                  .exclude(status=PlaceStatus.DRAFT).order_by("-created_at", "-id")[:200])
    return held, places


def next_meeting(body: MeetingBody | None) -> Meeting | None:
    """The committee's next meeting (today or later), the one a 地域課題 is shown on."""
    if body is None:
        return None
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
    return Meeting.objects.filter(body=body, starts_at__gte=start).order_by("starts_at").first()


def issues_for_meeting(actor: Actor, meeting: Meeting) -> list[AreaIssue]:
    """The 地域課題 shown on a committee meeting: the committee's open issues (and those closed
    since the previous meeting), each with its actions — titles and themes only, no names."""
    previous = Meeting.objects.filter(body=meeting.body, starts_at__lt=meeting.starts_at) \
        .order_by("-starts_at").values_list("starts_at", flat=True).first()
    qs = community_policy.issues_for(actor).filter(committee=meeting.body)
    closed = qs.exclude(status__in=OPEN_ISSUE_STATUSES)
    closed = closed.filter(updated_at__gte=previous) if previous else closed.none()
    shown = qs.filter(status__in=OPEN_ISSUE_STATUSES) | closed
    return list(shown.filter(created_at__lte=max(meeting.starts_at, timezone.now()))
                .prefetch_related(Prefetch("actions", queryset=IssueAction.objects.order_by("on", "id")))
                .order_by("status", "-created_at"))


def status_counts(municipality_id: int, *, area: Area | None = None) -> dict[str, int]:
    qs = AreaIssue.objects.filter(municipality_id=municipality_id)
    if area is not None:
        qs = qs.filter(area=area)
    found = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {code: found.get(code, 0) for code in IssueStatus.values}


def activities(actor: Actor, *, kind: str = "", area_code: str = "") -> QuerySet[Activity]:
    if not community_policy.can_view(actor):
        return Activity.objects.none()
    qs = Activity.objects.filter(municipality_id=policy.tenant_id(actor)) \
        .select_related("area", "organization").annotate(case_count=Count("cases", distinct=True))
    if kind:
        qs = qs.filter(kind=kind)
    if area_code:
        qs = qs.filter(area__code=area_code)
    return qs


def hubs(actor: Actor) -> list[Place]:
    """Places that keep a daily log, and places that could (published ones)."""
    tenant = policy.tenant_id(actor)
    logged = set(HubLog.objects.filter(municipality_id=tenant).values_list("place_id", flat=True))
    return list(Place.objects.filter(municipality_id=tenant).filter(
        status=PlaceStatus.PUBLISHED).order_by("name")) + list(
        Place.objects.filter(pk__in=logged).exclude(status=PlaceStatus.PUBLISHED).order_by("name"))


def hub_logs(actor: Actor, place: Place, *, days: int = 31) -> list[HubLog]:
    if not community_policy.can_view(actor) or place.municipality_id != policy.tenant_id(actor):
        return []
    since = timezone.localdate() - dt.timedelta(days=days)
    return list(HubLog.objects.filter(place=place, on__gte=since).order_by("-on"))


def hub_totals(logs: list[HubLog]) -> dict[str, int]:
    keys = ("visits_children", "visits_teens", "visits_adults", "visits_elderly",
            "consultations", "connected")
    return {k: sum(getattr(log, k) for log in logs) for k in keys} | {
        "visits": sum(log.visits for log in logs)}


def watchers(actor: Actor, *, area: Area | None = None) -> QuerySet[Watcher]:
    if not community_policy.can_view(actor):
        return Watcher.objects.none()
    qs = Watcher.objects.filter(municipality_id=policy.tenant_id(actor), is_active=True) \
        .select_related("area")
    return qs.filter(area=area) if area is not None else qs


def reports(actor: Actor) -> QuerySet[WatchReport]:
    return community_policy.reports_for(actor)


def area_contacts(actor: Actor, *, areas: list[Area]) -> QuerySet[AreaContact]:
    """The 担当者 (CSW …) of the given areas, only the actor's tenant's."""
    if not community_policy.can_view(actor):
        return AreaContact.objects.none()
    return AreaContact.objects.filter(area__in=areas, municipality_id=policy.tenant_id(actor)) \
        .select_related("area", "membership__user", "membership__organization")


def daily_areas(actor: Actor) -> list[Area]:
    return list(Area.objects.filter(municipality_id=policy.tenant_id(actor),
                                    kind=AreaKind.DAILY_LIFE_AREA).order_by("code"))


# ---- map --------------------------------------------------------------------------------------

def _centroid(geometry: Any) -> list[float] | None:
    """The mean of a polygon's outer ring (good enough to place a marker)."""
    try:
        ring = geometry["coordinates"][0] if geometry["type"] == "Polygon" \
            else geometry["coordinates"][0][0]
        pts = ring[:-1] or ring
        return [sum(p[1] for p in pts) / len(pts), sum(p[0] for p in pts) / len(pts)]
    except (KeyError, IndexError, TypeError, ZeroDivisionError):
        return None


def _around(center: list[float] | None, n: int) -> list[float] | None:
    """The n-th point of a small spiral around an area's centre (places without coordinates,
    so that their markers do not hide one another)."""
    if center is None:
        return None
    angle, radius = n * 2.4, 0.0025 * math.sqrt(n)
    return [round(center[0] + radius * math.sin(angle), 6),
            round(center[1] + radius * math.cos(angle), 6)]


def map_data(actor: Actor, *, area: Area | None = None) -> dict[str, Any]:
    """What the map draws (no personal data): areas with boundaries and open-issue counts,
    places with coordinates (else their area's centroid), 見守り helpers counted per area."""
    if not community_policy.can_view(actor):
        return {"areas": [], "places": []}
    tenant = policy.tenant_id(actor)
    areas = [a for a in daily_areas(actor) if area is None or a.pk == area.pk]
    open_counts = dict(AreaIssue.objects.filter(municipality_id=tenant, status__in=OPEN_ISSUE_STATUSES)
                       .values_list("area_id").annotate(n=Count("id")).values_list("area_id", "n"))
    helpers = dict(Watcher.objects.filter(municipality_id=tenant, is_active=True)
                   .values_list("area_id").annotate(n=Count("id")).values_list("area_id", "n"))
    centroids = {a.pk: _centroid(a.boundary) if a.boundary else None for a in areas}
    places = Place.objects.filter(municipality_id=tenant, status=PlaceStatus.PUBLISHED)
    if area is not None:
        places = places.filter(area=area)
    out_places = []
    spread: dict[int, int] = {}
    for p in places.order_by("name")[:500]:
        if isinstance(p.latitude, Decimal) and isinstance(p.longitude, Decimal):
            at: list[float] | None = [float(p.latitude), float(p.longitude)]
        else:
            at = _around(centroids.get(p.area_id or 0), spread.setdefault(p.area_id or 0, 0))
            spread[p.area_id or 0] += 1
        if at is not None:
            out_places.append({"name": p.name, "kind": p.get_kind_display(), "at": at,
                               "approximate": p.latitude is None})
    return {"areas": [{"code": a.code, "name": a.name, "boundary": a.boundary,
                       "center": centroids[a.pk], "open_issues": open_counts.get(a.pk, 0),
                       "helpers": helpers.get(a.pk, 0)} for a in areas],
            "places": out_places}


def activity_totals(municipality_id: int, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Activities by kind and area in [first, last]: count, sessions, participants,
    consultations, connected, completions."""
    rows = Activity.objects.filter(municipality_id=municipality_id, held_on__gte=first,
                                   held_on__lte=last) \
        .values("kind", "area__code") \
        .annotate(n=Count("id"), sessions=Sum("sessions"), participants=Sum("participants"),
                  consultations=Sum("consultations"), connected=Sum("connected"),
                  completions=Sum("completions")).order_by("kind", "area__code")
    return [dict(row) for row in rows]
