"""Demo volume for the statistics (issue 19): a full 令和7年度 (fiscal 2025) in the demo city
— about 120 cases a year over 令和6–7年度 (so 令和7年度 has continuing cases) with contacts, referrals, plans, closures and monthly meetings, and
参加支援 / 地域づくり records (eight extra places named 「…（統計デモ）」, matches, follow-ups,
地域課題 of the demo's own 圏域 discussed at their committees, activities, 拠点 logs: the
participation and community demos are dated around today, so 令和7年度 needs its own) — generated in
bulk (``stats.citygen``) so that the dashboards and the national report show plausible figures
while ``./kasane demo`` stays fast. Idempotent: skipped when the year is already there."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kasane.accounts.models import Membership, MembershipPeriod, Role
from kasane.cases.models import Case
from kasane.meetings.models import MeetingBody, MeetingType

from .citygen import Volume, generate

FISCAL_YEAR = 2025
SUMMARY = "相談（統計デモ）"


def load(data: dict[str, Any]) -> None:
    muni = data["city"]
    if Case.objects.filter(municipality=muni, summary=SUMMARY).exists():
        return
    orgs = list(data["orgs"].values())
    bodies = []
    for type_, name in ((MeetingType.SUPPORT, "支援会議"), (MeetingType.MULTILAYER, "重層的支援会議")):
        body = MeetingBody.objects.filter(municipality=muni, type=type_).first() or \
            MeetingBody.objects.create(municipality=muni, name=name, type=type_,
                                       organizer=orgs[0], review_days=30)
        bodies.append(body)
    # the demo's 推進員 were in post before the system (P0-1 as of 31 March 2026)
    for m in Membership.objects.filter(organization__municipality=muni, role=Role.COORDINATOR,
                                       is_active=True, periods__isnull=True):
        MembershipPeriod.objects.create(membership=m, started_on=dt.date(2024, 4, 1))
    generate(muni=muni, orgs=orgs, user=data["users"]["suishin"], bodies=bodies,
             volume=Volume(years=2, cases_per_year=120, contacts_per_case=7),
             last_fy=FISCAL_YEAR, seed=2025, summary=SUMMARY, community=True)
