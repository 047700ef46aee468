"""Hand-made 参加支援 / 地域づくり records for 令和6年度 (2024-04-01 … 2025-03-31), added to the
P0–P3 world (``world.build`` calls :func:`build` with its persons and cases). Every P4/P5
figure's expected value is written by hand in ``EXPECTED`` with the records that make it up.

Places (kind, status, 開設日, 休止・終了日, 新規開拓日):
  PA 居場所あおば   ibasho   published 2023-05-01 —          —
  PB サロンみどり   salon    published 2024-04-01 —          —           (地域課題 I1 の取組で創出)
  PC 子ども食堂     kodomo   closed    2022-01-01 2025-03-31 —
  PD 農園ワーク     work_trial published 2024-10-01 —        2024-09-15
  PE カフェ就労     employment published 2025-04-01 —        2025-03-31
  PF 公民館ひろば   other    published 2020-01-01 —          —           (拠点の日誌あり)
  PG 居場所（下書き） ibasho draft     2024-06-01 —          2024-06-01
  PH サロン旧       salon    closed    2020-01-01 (no date) —
  PI 居場所みなみ   ibasho   published (none: registered today) —
  PJ 学習会         learning published 2024-05-01 —          2023-12-01
Matches (person / case, place, stage, start – end):
  M1 A/C1 PD started 2024-06-01 –            M2 C/C2 PA ended 2023-11-01 – 2024-04-01
  M3 G/C6 PA ended 2023-01-01 – 2024-03-31   M4 H/C7 PB withdrawn (start 2024-05-01)
  M5 I/C8 PF trial (no start)                M6 J/C8 PD started 2025-04-01 –
  M7 B/C1 PB started 2025-03-31 –            M8 A2/C1 PA started 2024-07-01 – (A2 ≡ A, active link)
  M9 E2/C4 PA started 2024-08-01 – (E2–E link ended: two persons)
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from kasane.areas.models import Area, AreaKind
from kasane.cases.models import Contact
from kasane.community.models import Activity, AreaIssue, HubLog, IssueAction
from kasane.meetings.models import Meeting, MeetingBody, MeetingType
from kasane.participation.models import FollowUp, Match
from kasane.people.models import Consent, Person, PersonLink
from kasane.resources.models import Place, Provider

EXPECTED: dict[str, int] = {
    "P4-1": 5,               # A (M1, M8 via A2), C (M2), B (M7), E2 (M9), E (C4 contact + consent);
                             # not G (M3 ended before), H (withdrawn), I (trial; consent after),
                             # J (M6 next 年度; consent not for 参加支援), D (consent withdrawn)
    "P4-2-matches": 4,       # M1, M7 (31 March), M8, M9; not M4 (withdrawn), M6 (April 2025)
    "P4-2-followups": 3,     # F1, F2, F5 (31 March); not F3 (planned only), F4 (March 2024)
    "P4-3-hosts": 3,         # PD (M1), PA (M2, M8, M9), PB (M7)
    "P4-3-new": 2,           # PD (2024-09-15), PE (2025-03-31); not PJ (2023), PG (draft)
    "P5-1-hubs": 3,          # PA, PB, PF (by its log); not PC (closed 31 March), PG (draft),
                             # PH (closed, no date), PI (opened = registered today)
    "P5-1-new": 1,           # PB (2024-04-01)
    "P5-2-events": 7,        # AC1 3 sessions + AC2 1 + logs (PF 2024-04-01, PF 2025-03-31, PA)
    "P5-2-participants": 71,  # AC1 30 + AC2 20 + logs 10 + 5 + 6
    "P5-3-found": 3,         # I1 (1 April 00:10), I2 (31 March 23:00), I4; not I3 (Feb 2024)
    "P5-3-discussed": 2,     # I1, I3 (twice: once) at MC1; not I2 (MC2 April 2025), I4 (推進会議)
    "P5-4": 3,               # PB (I1's action), PD, PJ (新規開拓); not PE (opens April 2025),
                             # PG (draft), PA (linked, but opened 2023)
}
REQUIRES_PLAN_P4_1 = 2      # only cases with a plan approved by 31 March: C4 → E2 (M9), E


def _at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=timezone.get_current_timezone())


def build(city: Any, w: SimpleNamespace) -> None:
    muni, orgs, coord = city.municipality, city.orgs, city.coordinator
    _participation(city, w, _places(city, w))
    area = Area.objects.create(municipality=muni, kind=AreaKind.DAILY_LIFE_AREA, code="N",
                               name="北部")
    committee = MeetingBody.objects.create(municipality=muni, name="北部 福祉のまちづくり委員会",
                                           type=MeetingType.AREA_COMMITTEE, organizer=orgs["shakyo"],
                                           area=area, review_days=30)
    promotion = MeetingBody.objects.create(municipality=muni, name="推進会議",
                                           type=MeetingType.PROMOTION, organizer=orgs["city"],
                                           review_days=30)

    def meeting(body: MeetingBody, when: dt.datetime) -> Meeting:
        return Meeting.objects.create(municipality=muni, body=body, starts_at=when,
                                      window_ends_at=when + dt.timedelta(days=30), created_by=coord)

    mc1, mc2 = meeting(committee, _at(2024, 6, 10)), meeting(committee, _at(2025, 4, 10))
    mp = meeting(promotion, _at(2024, 9, 1))

    def issue(name: str, created: dt.datetime) -> AreaIssue:
        i = AreaIssue.objects.create(municipality=muni, area=area, committee=committee,
                                     title=name, organization=orgs["shakyo"], created_by=coord)
        AreaIssue.objects.filter(pk=i.pk).update(created_at=created)
        return i

    def action(i: AreaIssue, on: dt.date, meeting: Meeting | None = None,
               resource: Place | None = None) -> None:
        IssueAction.objects.create(issue=i, on=on, content="協議", meeting=meeting,
                                   resource=resource, created_by=coord)

    i1, i2 = issue("I1", _at(2024, 4, 1, 0, 10)), issue("I2", _at(2025, 3, 31, 23))
    i3, i4 = issue("I3", _at(2024, 2, 1)), issue("I4", _at(2024, 8, 1))
    action(i1, dt.date(2024, 6, 10), mc1)
    action(i1, dt.date(2024, 7, 1), resource=w.places["PB"])
    action(i2, dt.date(2025, 4, 10), mc2)
    action(i3, dt.date(2024, 6, 10), mc1)
    action(i3, dt.date(2024, 6, 11), mc1)
    action(i3, dt.date(2024, 6, 12), resource=w.places["PA"])
    action(i4, dt.date(2024, 9, 1), mp)

    def activity(kind: str, on: dt.date, sessions: int, participants: int, tags: list[str]) -> None:
        Activity.objects.create(municipality=muni, kind=kind, held_on=on, sessions=sessions,
                                participants=participants, tags=tags, organization=orgs["shakyo"],
                                created_by=coord)

    activity("community_work", dt.date(2024, 5, 1), 3, 30, ["community", "participation"])  # AC1
    activity("training", dt.date(2025, 3, 31), 1, 20, ["community"])                        # AC2
    activity("consultation_event", dt.date(2024, 6, 1), 2, 15, ["comprehensive"])           # AC3
    activity("community_work", dt.date(2024, 3, 31), 5, 50, ["community"])                  # AC4

    def log(place: str, on: dt.date, **visits: int) -> None:
        HubLog.objects.create(municipality=muni, place=w.places[place], on=on,
                              organization=orgs["shakyo"], created_by=coord, **visits)

    log("PF", dt.date(2024, 4, 1), visits_children=1, visits_teens=2, visits_adults=3,
        visits_elderly=4)
    log("PF", dt.date(2025, 3, 31), visits_elderly=5)
    log("PF", dt.date(2025, 4, 1), visits_adults=7)
    log("PA", dt.date(2024, 12, 24), visits_adults=6)


def _places(city: Any, w: SimpleNamespace) -> dict[str, Place]:
    provider = Provider.objects.create(municipality=city.municipality, name="運営団体")
    w.places = {}
    d = dt.date
    for name, kind, status, opened, closed, developed in (
            ("PA", "ibasho", "published", d(2023, 5, 1), None, None),
            ("PB", "salon", "published", d(2024, 4, 1), None, None),
            ("PC", "kodomo_shokudo", "closed", d(2022, 1, 1), d(2025, 3, 31), None),
            ("PD", "work_trial", "published", d(2024, 10, 1), None, d(2024, 9, 15)),
            ("PE", "employment", "published", d(2025, 4, 1), None, d(2025, 3, 31)),
            ("PF", "other", "published", d(2020, 1, 1), None, None),
            ("PG", "ibasho", "draft", d(2024, 6, 1), None, d(2024, 6, 1)),
            ("PH", "salon", "closed", d(2020, 1, 1), None, None),
            ("PI", "ibasho", "published", None, None, None),
            ("PJ", "learning", "published", d(2024, 5, 1), None, d(2023, 12, 1))):
        w.places[name] = Place.objects.create(
            municipality=city.municipality, provider=provider, name=name, kind=kind,
            status=status, opened_on=opened, closed_on=closed, developed_on=developed)
    return w.places


def _participation(city: Any, w: SimpleNamespace, places: dict[str, Place]) -> None:
    muni, orgs, coord = city.municipality, city.orgs, city.coordinator
    p, c = w.persons, w.cases

    def twin(name: str, of: str, active: bool) -> None:
        p[name] = Person.objects.create(municipality=muni, family_name=name,
                                        family_name_kana="テスト", birth_date=dt.date(1980, 1, 1),
                                        created_by_org=orgs["shakyo"])
        a, b = sorted((p[name], p[of]), key=lambda x: x.pk)
        PersonLink.objects.create(municipality=muni, person_a=a, person_b=b, created_by=coord,
                                  ended_at=None if active else timezone.now())

    twin("A2", "A", active=True)
    twin("E2", "E", active=False)
    d = dt.date

    def match(name: str, person: str, case: str, place: str, stage: str,
              started: dt.date | None, ended: dt.date | None = None) -> Match:
        return Match.objects.create(municipality=muni, case=c[case], person=p[person],
                                 place=places[place], stage=stage, proposed_on=d(2022, 1, 1),
                                 started_on=started, ended_on=ended, created_by=coord,
                                 created_by_org=orgs["shakyo"])

    m1 = match("M1", "A", "C1", "PD", "started", d(2024, 6, 1))
    m2 = match("M2", "C", "C2", "PA", "ended", d(2023, 11, 1), d(2024, 4, 1))
    match("M3", "G", "C6", "PA", "ended", d(2023, 1, 1), d(2024, 3, 31))
    match("M4", "H", "C7", "PB", "withdrawn", d(2024, 5, 1))
    match("M5", "I", "C8", "PF", "trial", None)
    match("M6", "J", "C8", "PD", "started", d(2025, 4, 1))
    m7 = match("M7", "B", "C1", "PB", "started", d(2025, 3, 31))
    match("M8", "A2", "C1", "PA", "started", d(2024, 7, 1))
    match("M9", "E2", "C4", "PA", "started", d(2024, 8, 1))
    for m, due, on in ((m1, d(2024, 6, 8), d(2024, 6, 8)), (m1, d(2024, 7, 1), d(2024, 7, 1)),
                       (m1, d(2024, 9, 1), None), (m2, d(2024, 3, 31), d(2024, 3, 31)),
                       (m7, d(2025, 3, 31), d(2025, 3, 31))):
        FollowUp.objects.create(match=m, due_on=due, on=on)

    def consent(person: str, obtained: dt.date, purposes: list[str],
                withdrawn: dt.date | None = None) -> None:
        Consent.objects.create(municipality=muni, person=p[person], purposes=purposes,
                               obtained_on=obtained, method="written", recorded_by=coord,
                               recorded_by_org=orgs["city"], withdrawn_on=withdrawn)

    consent("E", d(2024, 1, 1), ["participation"])
    consent("D", d(2023, 1, 1), ["participation"], withdrawn=d(2024, 3, 1))
    consent("J", d(2024, 1, 1), ["information_sharing"])
    consent("I", d(2025, 4, 5), ["participation"])
    for case, when, reached in (("C4", _at(2024, 10, 1), True), ("C3", _at(2024, 10, 2), True),
                                ("C8", _at(2024, 10, 3), False)):  # B.3 needs no reached contact
        Contact.objects.create(case=c[case], at=when, method="visit", reached=reached,
                               summary="参加支援", tags=["participation"], author=coord,
                               organization=orgs["city"])
