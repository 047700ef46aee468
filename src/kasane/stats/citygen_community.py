"""Generated 参加支援 and 地域づくり records for the shared city generator (``citygen.Gen``):
places (居場所・サロン・就労体験 …, with 開設日, 休止・終了日 and 新規開拓日), matches of
participation-support cases to places with their 定着支援 follow-ups, 参加支援 consents and
参加支援-tagged contacts, 地域課題 per 日常生活圏域 discussed at monthly 福祉のまちづくり委員会
meetings (some creating a place), community activities and weekly 拠点 daily logs.

Volumes follow the case volume (``Volume.cases_per_year``): about one place per 25 cases a
year (at least 40), 参加支援 for one case in ten, one 地域課題 per 100 cases, one activity per 10 cases.
A random stream of its own (seeded from the generator's seed) leaves the P0–P3 records exactly
as they were. Rows get explicit ids and go through ``citygen.insert`` like the rest.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

HUB_KINDS = ("ibasho", "salon", "kodomo_shokudo")
KINDS = (("ibasho", 25), ("salon", 20), ("kodomo_shokudo", 10), ("work_trial", 15),
         ("employment", 8), ("volunteer", 10), ("learning", 7), ("other", 5))
END_REASONS = ("settled", "moved_on", "declined", "host", "moved", "other", "interrupted")
FRESH = ("ibasho", "salon", "work_trial", "employment")
ACTIVITY_TAGS = (["community"], ["community", "participation"], ["comprehensive"],
                 ["community", "outreach"], ["community"])


def generate(gen: Any, seed: int) -> None:
    """Add the participation and community rows to ``gen.rows`` (before its insert)."""
    from kasane.areas.models import Area, AreaKind

    r = random.Random(seed * 7919 + 45)  # noqa: S311 - made-up data
    areas = list(Area.objects.filter(municipality=gen.muni, kind=AreaKind.DAILY_LIFE_AREA)
                 .order_by("code")[:3])
    # a city with its own 圏域 (the demo) keeps them and gets only a few extra places
    places = _places(gen, r, 8, "（統計デモ）") if areas else \
        _places(gen, r, max(40, gen.spec.cases_per_year // 25))
    _participation(gen, r, places)
    _community(gen, r, places, areas)


def _uuid(r: random.Random) -> uuid.UUID:
    return uuid.UUID(int=r.getrandbits(128), version=4)


def _first(gen: Any) -> dt.date:
    return dt.date(gen.last_fy - gen.spec.years + 1, 4, 1)


def _places(gen: Any, r: random.Random, count: int, suffix: str = "") -> list[Any]:
    from kasane.resources.models import Place, PlaceKind, Provider

    provider = gen._add("provider", Provider(
        id=gen._id("provider"), municipality_id=gen.muni.pk, hsds_id=_uuid(r),
        name="生成データの運営団体", created_at=gen.now, updated_at=gen.now))
    first, span = _first(gen), (gen.end - _first(gen)).days
    kinds, weights = zip(*KINDS, strict=True)
    out = []
    labels = dict(PlaceKind.choices)
    for n in range(count):
        kind = r.choices(kinds, weights)[0]
        opened = first + dt.timedelta(days=r.randint(-365, span)) if r.random() < 0.92 else None
        roll = r.random()
        status = "draft" if roll < 0.08 else "closed" if roll < 0.2 else "published"
        if n < len(FRESH):  # a few places new in the last 年度 at every scale (P4-3, P5-1, P5-4)
            kind, status = FRESH[n], "published"
            opened = dt.date(gen.last_fy, 4, 1) + dt.timedelta(days=r.randint(30, 330))
        closed = None
        if status == "closed" and opened and r.random() < 0.75:
            closed = min(gen.end, opened + dt.timedelta(days=r.randint(60, 1500)))
        developed = None
        if kind not in HUB_KINDS and opened and (n < len(FRESH) or r.random() < 0.6):
            developed = opened - dt.timedelta(days=0 if n < len(FRESH) else r.randint(0, 60))
        out.append(gen._add("place", Place(
            id=gen._id("place"), municipality_id=gen.muni.pk, provider_id=provider.id,
            hsds_service_id=_uuid(r), hsds_location_id=_uuid(r),
            name=f"{labels[kind]} {n + 1}{suffix}",
            kind=kind, status=status, opened_on=opened, closed_on=closed, developed_on=developed,
            offers_work_trial=kind == "work_trial", created_at=gen.now, updated_at=gen.now)))
    return out


def _participation(gen: Any, r: random.Random, places: list[Any]) -> None:
    from kasane.cases.models import Contact
    from kasane.participation.models import FollowUp, Match
    from kasane.people.models import Consent

    hosts = [p for p in places if p.status != "draft"]
    primary = {s.case_id: s.person_id for s in gen.rows.get("subject", []) if s.is_primary}
    org = gen.orgs[min(1, len(gen.orgs) - 1)]
    for case in gen.rows.get("case", []):
        if r.random() >= 0.1 or case.id not in primary:
            continue
        opened = case.opened_at.date()
        person = primary[case.id]
        for _ in range(r.choice((1, 1, 2))):
            _match(gen, r, Match, FollowUp, case, person, r.choice(hosts), opened, org)
        if r.random() < 0.5:
            obtained = opened + dt.timedelta(days=r.randint(0, 30))
            withdrawn = obtained + dt.timedelta(days=r.randint(30, 400)) if r.random() < 0.1 else None
            gen._add("consent", Consent(
                id=gen._id("consent"), municipality_id=gen.muni.pk, person_id=person,
                purposes=["participation"], obtained_on=obtained, method="written",
                recorded_by_id=gen.user.pk, recorded_by_org_id=org.pk, recorded_at=gen.now,
                withdrawn_on=withdrawn if withdrawn and withdrawn <= gen.end else None))
            for _ in range(r.randint(1, 3)):
                day = opened + dt.timedelta(days=r.randint(0, 300))
                if day <= gen.end:
                    gen._add("contact", Contact(
                        id=gen._id("contact"), case_id=case.id, municipality_id=case.municipality_id,
                        at=gen._at(day), method="visit",
                        reached=True, not_reached_reason="", stage="", summary="参加支援",
                        tags=["participation"], author_id=gen.user.pk, organization_id=org.pk,
                        created_at=gen.now, updated_at=gen.now, lock_version=1, next_action="",
                        next_done=False))


def _match(gen: Any, r: random.Random, match_model: Any, followup_model: Any, case: Any,
           person: int, place: Any, opened: dt.date, org: Any) -> None:
    proposed = opened + dt.timedelta(days=r.randint(10, 120))
    if proposed > gen.end:
        return
    stage = r.choices(("started", "ended", "withdrawn", "declined", "trial"), (40, 30, 10, 10, 10))[0]
    started = proposed + dt.timedelta(days=r.randint(7, 40)) \
        if stage in ("started", "ended") or (stage == "withdrawn" and r.random() < 0.3) else None
    if started and started > gen.end:
        stage, started = "proposed", None
    ended = started + dt.timedelta(days=r.randint(20, 400)) if stage == "ended" and started else None
    if ended and ended > gen.end:
        stage, ended = "started", None
    mid = gen._id("match")
    gen._add("match", match_model(
        id=mid, municipality_id=gen.muni.pk, case_id=case.id, person_id=person, place_id=place.id,
        stage=stage, role="attend", proposed_on=proposed, started_on=started, ended_on=ended,
        end_reason=r.choice(END_REASONS) if ended else "", created_by_id=gen.user.pk,
        created_by_org_id=org.pk, created_at=gen.now, lock_version=1))
    if not started:
        return
    last = min(ended or gen.end, gen.end)
    for days in (7, 30, 90):
        due = started + dt.timedelta(days=days)
        if due > last:
            break
        on = due + dt.timedelta(days=r.randint(0, 5)) if r.random() < 0.85 else None
        gen._add("followup", followup_model(
            id=gen._id("followup"), match_id=mid, due_on=due,
            on=on if on and on <= gen.end else None, method="visit"))


def _community(gen: Any, r: random.Random, places: list[Any], areas: list[Any]) -> None:
    from kasane.areas.models import Area, AreaKind
    from kasane.community.models import Activity, AreaIssue, HubLog, IssueAction
    from kasane.meetings.models import Meeting, MeetingBody, MeetingType

    first = _first(gen)
    org = gen.orgs[min(1, len(gen.orgs) - 1)]
    committees = []
    for i, name in enumerate(("北部", "中部", "南部")):
        area = areas[i] if i < len(areas) else Area.objects.get_or_create(
            municipality=gen.muni, kind=AreaKind.DAILY_LIFE_AREA, code=f"GEN{i + 1}",
            defaults={"name": f"生成{name}"})[0]
        body = MeetingBody.objects.filter(municipality=gen.muni, area=area,
                                          type=MeetingType.AREA_COMMITTEE).first() or \
            MeetingBody.objects.create(municipality=gen.muni, name=f"{area.name} 福祉のまちづくり委員会",
                                       type=MeetingType.AREA_COMMITTEE, organizer=org, area=area,
                                       review_days=30)
        held = []
        day = first + dt.timedelta(days=20 + i * 3)
        while day <= gen.end:
            starts = gen._at(day, 18)
            held.append(gen._add("meeting", Meeting(
                id=gen._id("meeting"), municipality_id=gen.muni.pk, body_id=body.pk,
                starts_at=starts, place="公民館", online=False,
                window_ends_at=starts + dt.timedelta(days=30), created_by_id=gen.user.pk,
                created_at=gen.now)))
            day += dt.timedelta(days=61)
        committees.append((area, body, held))
    span = (gen.end - first).days
    for _ in range(max(6, gen.spec.cases_per_year // 100) * gen.spec.years):
        area, body, held = r.choice(committees)
        created = first + dt.timedelta(days=r.randrange(span))
        iid = gen._id("issue")
        gen._add("issue", AreaIssue(
            id=iid, municipality_id=gen.muni.pk, area_id=area.pk, committee_id=body.pk,
            title="地域課題", status=r.choice(("received", "discussing", "acting", "resolved")),
            organization_id=org.pk, created_by_id=gen.user.pk, created_at=gen._at(created),
            updated_at=gen.now))
        later = [m for m in held if m.starts_at.date() >= created]
        for meeting in later[:r.choice((0, 1, 1, 2))]:
            _action(gen, IssueAction, iid, meeting.starts_at.date(), meeting_id=meeting.id)
        newer = [p for p in places if p.opened_on and p.opened_on >= created]
        if newer and r.random() < 0.15:
            place = r.choice(newer)
            _action(gen, IssueAction, iid, place.opened_on, resource_id=place.id)
    for _ in range(max(20, gen.spec.cases_per_year // 10) * gen.spec.years):
        gen._add("activity", Activity(
            id=gen._id("activity"), municipality_id=gen.muni.pk,
            kind=r.choice(("community_work", "consultation_event", "training", "publicity")),
            held_on=first + dt.timedelta(days=r.randrange(span)), title="活動",
            sessions=r.randint(1, 4), participants=r.randint(0, 40),
            tags=list(r.choice(ACTIVITY_TAGS)), organization_id=org.pk,
            created_by_id=gen.user.pk, created_at=gen.now))
    _hub_logs(gen, r, HubLog, [p for p in places if p.kind in HUB_KINDS and p.status != "draft"
                                and p.opened_on], org)


def _action(gen: Any, model: Any, issue_id: int, on: dt.date, **link: Any) -> None:
    gen._add("action", model(id=gen._id("action"), issue_id=issue_id, on=on, content="協議",
                             created_by_id=gen.user.pk, created_at=gen.now, **link))


def _hub_logs(gen: Any, r: random.Random, model: Any, hubs: list[Any], org: Any) -> None:
    """Weekly logs of a few hubs from their opening (or the first 年度) to their closing."""
    first = _first(gen)
    for place in hubs[:max(3, gen.spec.cases_per_year // 300)]:
        day = max(place.opened_on, first)
        day += dt.timedelta(days=(r.randrange(7)))
        last = min(place.closed_on - dt.timedelta(days=1) if place.closed_on else gen.end, gen.end)
        while day <= last:
            gen._add("hublog", model(
                id=gen._id("hublog"), municipality_id=gen.muni.pk, place_id=place.id, on=day,
                visits_children=r.randint(0, 4), visits_teens=r.randint(0, 2),
                visits_adults=r.randint(0, 6), visits_elderly=r.randint(0, 10),
                organization_id=org.pk, created_by_id=gen.user.pk, created_at=gen.now))
            day += dt.timedelta(days=7)
