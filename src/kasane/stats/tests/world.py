"""Hand-made records for 令和6年度 (fiscal 2024: 2024-04-01 … 2025-03-31) with records just
outside it on both sides. Every national figure's expected value is written by hand in
``EXPECTED`` (the comments name the records that make it up). Rows are written straight to the
tables so that dates are exact; the metric code only reads.

Cases (tags → persons):
  C1 comprehensive+multi_agency, 受付 2024-05-10, A (born 1950), B — supporting
  C2 comprehensive, 受付 2024-04-01 (first day), C (born 2010)
  C3 comprehensive, 受付 2024-03-31 (previous 年度), D
  C4 multi_agency+outreach, 受付 2023-10-01, E — still supporting (継続)
  C5 multi_agency, 受付 2023-06-01, 終結 2024-02-01 (before the 年度), F
  C6 multi_agency, 受付 2024-06-01, 終結 2025-01-15 目標達成, G
  C7 multi_agency, 受付 2023-04-10, 見守り継続 2024-08-01, H
  C8 outreach, 受付 2024-09-01, I, J
  C9 multi_agency, 受付 2025-04-02 (next 年度), K
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from kasane.accounts.models import Membership, MembershipPeriod, Role, User
from kasane.cases.models import (
    Case,
    CaseSubject,
    Closure,
    Contact,
    Involvement,
    Referral,
    SupportPlan,
)
from kasane.meetings.models import AgendaItem, Meeting, MeetingBody, MeetingType
from kasane.people.models import Person

from . import world_p45

FY = 2024

EXPECTED: dict[str, int] = {
    "P0-1": 2,             # X (period from 2024-01-01, two orgs: once) + Z (from 2025-03-31)
    "P0-2": 4,             # city, houkatsu (R1, R2), shougai (R3), library (R5)
    "P1-1": 3,             # K1, K2, K3 (23:30 on 31 March); not K4 (不在), K5 (March 2024)
    "P1-2": 2,             # C1, C2
    "P1-3": 3,             # A, B (C1), C (C2)
    "P1-4": 2,             # R1 (C1), R5 (C4, 31 March); not R2 (no 多機関協働 tag), R4 (April)
    "P2-1-new": 2,         # C1, C6
    "P2-1-continuing": 2,  # C4, C7 (closed in the 年度); not C5 (closed before)
    "P2-2-created": 1,     # PL1 (C4 v1, 2024-07-01)
    "P2-2-revised": 1,     # PL2 (C4 v2, 2025-02-01)
    "P2-3-held": 2,        # M1, M2 (not M3, April 2025)
    "P2-3-cases": 2,       # C1, C4
    "P2-4-held": 1,        # M4
    "P2-4-cases": 1,       # C6
    "P2-5-closed": 1,      # C6
    "P2-5-goal_met": 1,    # C6
    "P2-5-roles_agreed": 0, "P2-5-connected": 0, "P2-5-self_request": 0,
    "P2-5-other_system": 0, "P2-5-moved": 0, "P2-5-death": 0, "P2-5-unreachable": 0,
    "P2-5-other": 0,
    "P2-5-watch": 1,       # C7
    "P3-1": 3,             # E (C4), I, J (C8)
    "P3-2-reached": 1,     # K6
    "P3-2-not-reached": 3,  # K7, K8, K9
    "P3-3-reached": 1,     # E
    "P3-3-connected": 1,   # E (C4 has PL1 approved)
}
EXPECTED.update(world_p45.EXPECTED)  # P4 参加支援 / P5 地域づくり (hand counts in world_p45.py)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=timezone.get_current_timezone())


def build(city: Any) -> SimpleNamespace:
    muni, orgs, coord = city.municipality, city.orgs, city.coordinator
    w = SimpleNamespace(persons={}, cases={}, contacts={})

    def person(name: str, birth: dt.date | None = None) -> Person:
        p = Person.objects.create(municipality=muni, family_name=name, family_name_kana="テスト",
                                  birth_date=birth or dt.date(1980, 1, 1),
                                  created_by_org=orgs["city"])
        w.persons[name] = p
        return p

    def case(name: str, tags: list[str], opened: dt.datetime, names: str,
             status: str = "supporting", births: dict[str, dt.date] | None = None) -> Case:
        c = Case.objects.create(municipality=muni, tags=tags, summary=name, lead_org=orgs["city"],
                                opened_by=coord, opened_org=orgs["city"], opened_at=opened,
                                status=status)
        for i, n in enumerate(names):
            CaseSubject.objects.create(case=c, person=person(n, (births or {}).get(n)),
                                       is_primary=i == 0)
        w.cases[name] = c
        return c

    c1 = case("C1", ["comprehensive", "multi_agency"], at(2024, 5, 10), "AB",
              births={"A": dt.date(1950, 6, 1)})
    c2 = case("C2", ["comprehensive"], at(2024, 4, 1, 0, 5), "C", "intake",
              births={"C": dt.date(2010, 1, 1)})
    c3 = case("C3", ["comprehensive"], at(2024, 3, 31, 23, 50), "D")
    c4 = case("C4", ["multi_agency", "outreach"], at(2023, 10, 1), "E")
    c5 = case("C5", ["multi_agency"], at(2023, 6, 1), "F", "closed")
    c6 = case("C6", ["multi_agency"], at(2024, 6, 1), "G", "closed")
    c7 = case("C7", ["multi_agency"], at(2023, 4, 10), "H", "watching")
    c8 = case("C8", ["outreach"], at(2024, 9, 1), "IJ", "intake")
    case("C9", ["multi_agency"], at(2025, 4, 2), "K", "intake")

    def closure(c: Case, on: dt.date, reason: str, watch: bool = False) -> None:
        Closure.objects.create(case=c, closed_on=on, reason=reason, evaluation="評価",
                               watch=watch, created_by=coord)

    closure(c5, dt.date(2024, 2, 1), "goal_met")
    closure(c6, dt.date(2025, 1, 15), "goal_met")
    closure(c7, dt.date(2024, 8, 1), "connected", watch=True)

    def contact(name: str, c: Case, when: dt.datetime, tags: list[str], reached: bool = True) -> None:
        w.contacts[name] = Contact.objects.create(
            case=c, at=when, method="visit", reached=reached, summary=name, tags=tags,
            author=coord, organization=orgs["city"])

    contact("K1", c1, at(2024, 5, 10), ["comprehensive"])
    contact("K2", c1, at(2024, 6, 10), ["comprehensive", "multi_agency"])
    contact("K3", c2, at(2025, 3, 31, 23, 30), ["comprehensive"])
    contact("K4", c2, at(2024, 7, 1), ["comprehensive"], reached=False)
    contact("K5", c3, at(2024, 3, 31, 23, 55), ["comprehensive"])
    contact("K6", c4, at(2024, 5, 1), ["outreach"])
    contact("K7", c4, at(2024, 5, 8), ["outreach"], reached=False)
    contact("K8", c8, at(2024, 9, 2), ["outreach"], reached=False)
    contact("K9", c8, at(2024, 9, 9), ["outreach"], reached=False)
    contact("K10", c8, at(2025, 4, 1, 0, 1), ["outreach"])
    contact("K11", c3, at(2024, 11, 11), [])  # no 事業: listed by 点検, counted nowhere

    def plan(c: Case, version: int, approved: dt.date | None) -> None:
        SupportPlan.objects.create(case=c, version=version, goals=[{"text": "目標"}],
                                   lead_org=orgs["city"], lead_user=coord,
                                   review_on=dt.date(2025, 6, 1),
                                   status="approved" if approved else "draft",
                                   approved_on=approved, created_by=coord)

    plan(c4, 1, dt.date(2024, 7, 1))
    plan(c4, 2, dt.date(2025, 2, 1))
    plan(c1, 1, dt.date(2025, 4, 5))
    plan(c6, 1, None)
    plan(c7, 1, dt.date(2023, 5, 1))

    def referral(c: Case, to: str, created: dt.datetime, status: str,
                 responded: dt.datetime | None) -> None:
        Referral.objects.create(case=c, from_org=orgs["city"], to_org=orgs[to], reason="依頼",
                                status=status, due_on=created.date(), created_by=coord,
                                created_at=created, responded_at=responded)

    referral(c1, "houkatsu", at(2024, 5, 20), "accepted", at(2024, 6, 1))        # R1
    referral(c2, "houkatsu", at(2024, 6, 1), "accepted", at(2024, 6, 5))         # R2
    referral(c6, "shougai", at(2024, 6, 20), "declined", at(2024, 7, 1))         # R3
    referral(c6, "shakyo", at(2025, 4, 2), "accepted", at(2025, 4, 10))          # R4
    referral(c4, "library", at(2025, 3, 20), "accepted", at(2025, 3, 31, 18))    # R5

    Involvement.objects.create(case=c1, organization=orgs["city"], role="lead", basis="own_record",
                               started_on=dt.date(2024, 5, 10))
    Involvement.objects.create(case=c4, organization=orgs["city"], role="lead", basis="own_record",
                               started_on=dt.date(2023, 10, 1))
    for c in (c2, c3):  # the city's own cases (so its coordinator may open them)
        Involvement.objects.create(case=c, organization=orgs["city"], role="lead",
                                   basis="own_record", started_on=c.opened_at.date())
    Involvement.objects.create(case=c5, organization=orgs["shakyo"], role="member",
                               basis="consent", started_on=dt.date(2023, 6, 1),
                               ended_on=dt.date(2024, 1, 31))

    def body(type_: str) -> MeetingBody:
        return MeetingBody.objects.create(municipality=muni, name=type_, type=type_,
                                          organizer=orgs["city"], review_days=30)

    def meeting(b: MeetingBody, when: dt.datetime, cases: list[Case]) -> None:
        m = Meeting.objects.create(municipality=muni, body=b, starts_at=when,
                                   window_ends_at=when + dt.timedelta(days=30), created_by=coord)
        for i, c in enumerate(cases):
            AgendaItem.objects.create(meeting=m, case=c, order=i + 1, title="議題",
                                      presenting_org=orgs["city"], question="検討",
                                      added_by=coord)

    support, multilayer = body(MeetingType.SUPPORT), body(MeetingType.MULTILAYER)
    meeting(support, at(2024, 5, 15), [c1, c4])   # M1
    meeting(support, at(2025, 3, 31), [c1])       # M2
    meeting(support, at(2025, 4, 1), [c6])        # M3
    meeting(multilayer, at(2024, 10, 10), [c6])   # M4

    def coordinator(name: str, periods: list[tuple[dt.date, dt.date | None]],
                    org_names: tuple[str, ...] = ("city",)) -> None:
        user = User.objects.create_user(username=name, password="x-correct-horse",
                                        municipality=muni, display_name=name)
        for org_name in org_names:
            m = Membership.objects.create(user=user, organization=orgs[org_name],
                                          role=Role.COORDINATOR, is_active=True)
            for start, end in periods:
                MembershipPeriod.objects.create(membership=m, started_on=start, ended_on=end)

    coordinator("X", [(dt.date(2024, 1, 1), None)], ("city", "shakyo"))
    coordinator("Y", [(dt.date(2024, 4, 1), dt.date(2025, 3, 30))])
    coordinator("Z", [(dt.date(2025, 3, 31), dt.date(2025, 6, 30))])
    world_p45.build(city, w)
    return w
