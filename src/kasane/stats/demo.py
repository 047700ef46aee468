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
    breakdowns(muni)


# 課題の分類 of the generated cases: (code, weight); the first drawn is the 主訴 (◎)
PROBLEM_WEIGHTS = (("income", 14), ("household_budget", 9), ("debt", 6), ("rent_loan", 4),
                   ("tax_utilities", 4), ("loan_fund", 2), ("no_food", 2), ("housing", 5),
                   ("job_search", 7), ("work_worry", 4), ("mental", 12), ("health", 11),
                   ("care", 12), ("childcare", 6), ("withdrawal_truancy", 8),
                   ("family_relations", 10), ("community_relations", 4), ("dv_abuse", 2),
                   ("other", 2))
AREA_WEIGHTS = {"01": 40, "02": 35, "03": 20}  # the rest (5 %) keep 「重ね市」 only: 未設定


def breakdowns(muni: Any, seed: int = 2025) -> None:
    """The generated cases' 課題の分類 (as their 相談受付票 would have set them) and their
    primary subjects' addresses in the demo 町 (so 圏域 derive), for the dashboards."""
    import random

    from kasane.areas.demo import DAILY_LIFE_AREAS
    from kasane.cases.models import CaseProblem, CaseSubject
    from kasane.core.text import normalize_address
    from kasane.people.models import Person

    r = random.Random(seed)  # noqa: S311 - made-up data
    codes, weights = zip(*PROBLEM_WEIGHTS, strict=True)
    areas = list(AREA_WEIGHTS)
    problems, persons = [], []
    subjects = CaseSubject.objects.filter(case__municipality=muni, case__summary=SUMMARY,
                                          is_primary=True).select_related("person")
    for subject in subjects.order_by("case_id"):
        if r.random() < 0.92:  # some cases began without a 相談受付票: no categories
            drawn = list(dict.fromkeys(r.choices(codes, weights, k=r.choice((1, 2, 2, 3, 4)))))
            problems += [CaseProblem(case_id=subject.case_id, code=c, is_main=i == 0)
                         for i, c in enumerate(drawn)]
        if r.random() < 0.95:
            code = r.choices(areas, [AREA_WEIGHTS[a] for a in areas])[0]
            town = r.choice(DAILY_LIFE_AREAS[code][1])
            person = subject.person
            person.address = f"重ね市{town}{r.randint(1, 4)}-{r.randint(1, 20)}-{r.randint(1, 9)}"
            person.address_key = normalize_address(person.address)[:200]
            persons.append(person)
    CaseProblem.objects.bulk_create(problems, batch_size=2000, ignore_conflicts=True)
    Person.objects.bulk_update(persons, ["address", "address_key"], batch_size=2000)
