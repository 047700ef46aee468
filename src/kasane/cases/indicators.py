"""Outcome indicators over cases (spec/reporting.md D) in the core metric registry: rates and
medians that PDCA targets can bind to. A rate is a percentage rounded half-up to one decimal;
a rate whose denominator is 0 cannot be computed (shown 「—」 with the reason, never 0 %).
Imported by ``CasesConfig.ready``; counts and cohorts come from ``cases.metrics``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from django.db.models import Exists, Min, OuterRef, Q

from kasane.core.metrics import MetricUnavailable, Period, register_ranged

from .metrics import (
    CASE_FILTERS,
    cases_handled,
    cases_open_at_end,
    cases_opened,
    contacts_in,
    percent,
    period_bounds,
)
from .models import Case, CaseSubject, Closure, Contact, PlanStatus, Stage, SupportPlan

DIRECTION_DAYS = 90


def _rate(numerator: int, denominator: int, empty: str) -> Any:
    if denominator == 0:
        raise MetricUnavailable(empty)
    return percent(numerator, denominator)


@register_ranged(key="cases.closed_rate", label="終結率", unit="%", filters=CASE_FILTERS,
                 owner="cases",
                 description="期間内に取り扱ったケース（期首に継続中＋期間内に受付）のうち、期間末"
                             "までに終結したケースの割合。見守り継続は終結に含めません。")
def closed_rate(municipality: Any, period: Period, **f: Any) -> Any:
    cohort = cases_handled(municipality, period, **f)
    closed = Closure.objects.filter(case_id=OuterRef("pk"), watch=False,
                                    closed_on__lte=period.end)
    return _rate(cohort.filter(status="closed").filter(Exists(closed)).count(), cohort.count(),
                 "期間内に取り扱ったケースがありません。")


@register_ranged(key="cases.direction_rate", label="方針決定率（受付から90日）", unit="%",
                 filters=CASE_FILTERS, owner="cases",
                 description="受付から90日目が期間内にあるケースのうち、90日以内に支援プランが承認"
                             "された（支援方針が決まった）ケースの割合。")
def direction_rate(municipality: Any, period: Period, **f: Any) -> Any:
    window = dt.timedelta(days=DIRECTION_DAYS)
    opened_in = Period.custom(period.start - window, period.end - window)
    cohort = list(cases_opened(municipality, opened_in, **f).values_list("pk", "opened_at"))
    first_plan = dict(SupportPlan.objects.filter(
        case_id__in=[pk for pk, _ in cohort], status=PlanStatus.APPROVED)
        .values("case_id").annotate(first=Min("approved_on")).values_list("case_id", "first"))
    decided = sum(1 for pk, opened in cohort
                  if first_plan.get(pk) and first_plan[pk] <= (opened + window).date())
    return _rate(decided, len(cohort), "受付から90日目が期間内にあるケースがありません。")


@register_ranged(key="plans.coverage", label="プラン作成率", unit="%", filters=CASE_FILTERS,
                 owner="cases",
                 description="期間末に支援中の「多機関協働」ケースのうち、承認済みの支援プランが"
                             "あるケースの割合。")
def plans_coverage(municipality: Any, period: Period, **f: Any) -> Any:
    f.setdefault("tag", "multi_agency")
    cohort = cases_open_at_end(municipality, period, **f)
    approved = SupportPlan.objects.filter(case_id=OuterRef("pk"), status=PlanStatus.APPROVED,
                                          approved_on__lte=period.end)
    return _rate(cohort.filter(Exists(approved)).count(), cohort.count(),
                 "期間末に支援中の多機関協働ケースがありません。")


def _outreach_persons(municipality: Any, period: Period, **f: Any) -> set[int]:
    f.setdefault("tag", "outreach")
    return set(CaseSubject.objects.filter(case__in=cases_handled(municipality, period, **f)
                                          .values("pk")).values_list("person_id", flat=True))


@register_ranged(key="outreach.reach_rate", label="接触率", unit="%", filters=CASE_FILTERS,
                 owner="cases",
                 description="アウトリーチ等のケースの対象者のうち、期間内に会えた・話せた支援記録"
                             "がある人の割合（実人数）。")
def reach_rate(municipality: Any, period: Period, **f: Any) -> Any:
    f.setdefault("tag", "outreach")
    persons = _outreach_persons(municipality, period, **f)
    reached = set(CaseSubject.objects.filter(
        case_id__in=contacts_in(municipality, period, reached="yes", **f).values("case_id"))
        .values_list("person_id", flat=True)) & persons
    return _rate(len(reached), len(persons), "アウトリーチ等の対象者がいません。")


@register_ranged(key="outreach.relation_rate", label="関係形成率", unit="%",
                 filters=CASE_FILTERS, owner="cases",
                 description="受付から30日以上たったアウトリーチ等のケースの対象者のうち、期間末"
                             "までに関係の段階が「信頼関係」以上になった人の割合（支援記録の段階から）。")
def relation_rate(municipality: Any, period: Period, **f: Any) -> Any:
    f.setdefault("tag", "outreach")
    _, end = period_bounds(period)
    cohort = cases_handled(municipality, period, **f).filter(
        opened_at__lt=end - dt.timedelta(days=30))
    trust = Contact.objects.filter(case_id=OuterRef("pk"), at__lt=end,
                                   stage__in=(Stage.TRUST, Stage.AGREED))
    persons = set(CaseSubject.objects.filter(case__in=cohort.values("pk"))
                  .values_list("person_id", flat=True))
    related = set(CaseSubject.objects.filter(case__in=cohort.filter(Exists(trust)).values("pk"))
                  .values_list("person_id", flat=True))
    return _rate(len(related), len(persons), "受付から30日以上たったアウトリーチ等のケースがありません。")


@register_ranged(key="cases.first_contact_days", label="初回対応日数（中央値）", unit="日",
                 filters=CASE_FILTERS, owner="cases",
                 description="期間内に受付したケースの、受付から最初の「会えた・話せた」支援記録"
                             "までの日数の中央値（まだ会えていないケースは含めません）。")
def first_contact_days(municipality: Any, period: Period, **f: Any) -> Any:
    rows = list(cases_opened(municipality, period, **f).annotate(
        first=Min("contacts__at", filter=Q(contacts__reached=True))).filter(first__isnull=False)
        .values_list("opened_at", "first"))
    if not rows:
        raise MetricUnavailable("期間内に受付し、会えた記録のあるケースがありません。")
    return round(statistics.median(max((b - a).total_seconds(), 0) / 86400 for a, b in rows), 1)


@register_ranged(key="cases.recontact_rate", label="再相談率", unit="%", filters=CASE_FILTERS,
                 owner="cases",
                 description="前の期間（年度なら前年度）に終結したケースの本人のうち、終結から"
                             "365日以内に新しいケースが受付された人の割合。")
def recontact_rate(municipality: Any, period: Period, **f: Any) -> Any:
    previous = Period.custom(dt.date(period.start.year - 1, period.start.month, period.start.day),
                             period.start - dt.timedelta(days=1))
    closures = Closure.objects.filter(case__municipality=municipality, watch=False,
                                      closed_on__gte=previous.start, closed_on__lte=previous.end)
    persons: dict[int, dt.date] = {}
    for person_id, closed_on in CaseSubject.objects.filter(
            case_id__in=closures.values("case_id")).values_list(
            "person_id", "case__closures__closed_on"):
        if closed_on and previous.start <= closed_on <= previous.end:
            persons[person_id] = max(persons.get(person_id, closed_on), closed_on)
    again = 0
    for person_id, closed_on in persons.items():
        later = dt.datetime.combine(closed_on + dt.timedelta(days=1), dt.time.min,
                                    period_bounds(period)[0].tzinfo)
        if Case.objects.filter(municipality=municipality, subjects__person_id=person_id,
                               opened_at__gte=later,
                               opened_at__lt=later + dt.timedelta(days=365)).exists():
            again += 1
    return _rate(again, len(persons), "前の期間に終結したケースがありません。")
