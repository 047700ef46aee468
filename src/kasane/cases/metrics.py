"""Case, contact, referral, plan and closure figures in the core metric registry
(spec/reporting.md B.2 P0-2 … P3-3, D). Imported by ``CasesConfig.ready``.

Every metric here takes any :class:`~kasane.core.metrics.Period` (年度, 月, custom) and
declares its filters: ``tag`` (事業: a ``ProjectTag`` code, matched on the record's own tags —
one record counts in every 事業 it carries), ``organization`` (an Organization id: the case's
主担当機関, the contact's recording organization, the referral's receiving organization),
``age_band`` (the primary subject's age on the period's last day, ``core.metrics.AGE_BANDS``),
``problem`` (a 課題の分類 code of ``cases.problems``: the case has it as ○ — with ``main=yes``
only as ◎ 主訴), ``area`` (the 日常生活圏域 code of the primary subject's address, derived on
read like the person page: the longest covering prefix of ``areas.AddressArea``, in SQL;
``unset`` = 未設定 — no address or no covering row).
Each gives ``drill`` — the cases behind the number, as a ``Case`` queryset (unfiltered by
access: the stats screens list them through ``cases.policy``).

Dates: a case belongs to the period of its 受付 (``opened_at``, local date); a contact to its
``at``; a referral to its answer (``responded_at``); a plan to ``approved_on``; a closure to
``closed_on``. A case is *handled* in a period when it was opened by the period's end and not
closed (終結 or 見守り継続) before its start.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Length, Right, Substr
from django.db.models.lookups import Exact, IsNull

from kasane.areas.models import AddressArea, AreaKind
from kasane.core.metrics import (
    MetricUnavailable,
    Period,
    Rate,
    age_band_birth_range,
    register_ranged,
)

from . import problems as problem_vocabulary
from .models import (
    Case,
    CaseProblem,
    CaseSubject,
    Closure,
    ClosureReason,
    Contact,
    Involvement,
    PlanStatus,
    ProjectTag,
    Referral,
    ReferralStatus,
    SupportPlan,
)

CASE_FILTERS = ("tag", "organization", "age_band", "area", "problem", "main")
AREA_UNSET = "unset"  # the ``area`` filter's value for 未設定 (no covering address-table row)
DIGITS = tuple("0123456789")
CLOSED = ("closed", "watching")


def tag_q(tag: str, field: str = "tags") -> Q:
    """Records whose JSON list ``field`` holds ``tag`` (PostgreSQL ``@>``; SQLite text match)."""
    if tag not in ProjectTag.values:
        raise ValueError(f"事業「{tag}」はありません（{'、'.join(ProjectTag.values)}）。")
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [tag]})
    return Q(**{f"{field}__icontains": f'"{tag}"'})


def period_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a period as local-time datetimes (for ``DateTimeField`` event dates)."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(period.start, dt.time.min, tz),
            dt.datetime.combine(period.end_exclusive, dt.time.min, tz))


def _age_q(band: str, on: dt.date, outer: str = "pk") -> Q:
    """Records whose case's primary subject is in ``band`` on ``on`` (``outer`` = the case id)."""
    earliest, latest = age_band_birth_range(band, on)
    primary = CaseSubject.objects.filter(case_id=OuterRef(outer), is_primary=True,
                                         person__birth_date__lte=latest)
    if earliest is not None:
        primary = primary.filter(person__birth_date__gte=earliest)
    return Q(Exists(primary))


def area_code(municipality: Any = None, outer: str = "pk") -> Subquery:
    """The 日常生活圏域 code of the primary subject of the case ``outer`` (an outer reference
    to a case id), NULL when 未設定 — ``areas.selectors.area_for_address`` in SQL: the longest
    address-table prefix the address key starts with, never cutting a number in two
    (「本町1」 does not cover 「本町12-3」). The address table is the municipality's
    (``municipality``, or the person's own when not given: the same tenant)."""
    tenant = ({"municipality": municipality} if municipality is not None
              else {"municipality_id": OuterRef("person__municipality_id")})
    rows = (AddressArea.objects.filter(kind=AreaKind.DAILY_LIFE_AREA, **tenant)
            .annotate(addr=ExpressionWrapper(OuterRef("person__address_key"),
                                             output_field=CharField()))
            .filter(addr__startswith=F("prefix_key"))
            .annotate(last=Right("prefix_key", 1),
                      nxt=Substr("addr", Length("prefix_key") + 1, 1))
            .exclude(last__in=DIGITS, nxt__in=DIGITS)
            .order_by(Length("prefix_key").desc()).values("area__code")[:1])
    primary = (CaseSubject.objects.filter(case_id=OuterRef(outer), is_primary=True)
               .annotate(area=Subquery(rows)).values("area")[:1])
    return Subquery(primary, output_field=CharField())


def _problem_q(problem: str, main: str, outer: str = "pk") -> Q:
    """Records whose case has the category ``problem`` (○; with ``main=yes`` as ◎)."""
    if problem not in problem_vocabulary.codes():
        raise ValueError(f"課題の分類「{problem}」はありません（{'、'.join(problem_vocabulary.codes())}）。")
    if main not in ("", "yes", "no"):
        raise ValueError("main は yes（主訴◎のみ）か no（○すべて）で指定してください。")
    rows = CaseProblem.objects.filter(case_id=OuterRef(outer), code=problem)
    if main == "yes":
        rows = rows.filter(is_main=True)
    return Q(Exists(rows))


def breakdown_q(period: Period, outer: str = "pk", *, age_band: str = "", area: str = "",
                problem: str = "", main: str = "") -> Q:
    """The filters every case metric shares on the case behind a record (``outer`` = the
    case id column), as one condition: age band, 課題の分類, 圏域."""
    if main and not problem:
        raise ValueError("main は problem（課題の分類）と一緒に指定してください。")
    q = Q()
    if age_band:
        q &= _age_q(age_band, period.end, outer)
    if problem:
        q &= _problem_q(problem, main, outer)
    if area:
        code = area_code(outer=outer)
        q &= Q(IsNull(code, True)) if area == AREA_UNSET else Q(Exact(code, str(area)))
    return q


def case_q(period: Period, *, tag: str = "", organization: Any = None, prefix: str = "",
           outer: str = "pk", **breakdown: Any) -> Q:
    """The case filters as one condition — on ``Case`` itself, or on a record's case through
    ``prefix`` (``"case__"``) with ``outer`` its case id column (``"case_id"``)."""
    q = Q()
    if tag:
        q &= tag_q(tag, f"{prefix}tags")
    if organization:
        q &= Q(**{f"{prefix}lead_org_id": int(organization)})
    return q & breakdown_q(period, outer, **breakdown)


def _cases(municipality: Any, period: Period, **f: Any) -> QuerySet[Case]:
    return Case.objects.filter(case_q(period, **f), municipality=municipality)


def cases_opened(municipality: Any, period: Period, **f: Any) -> QuerySet[Case]:
    start, end = period_bounds(period)
    return _cases(municipality, period, **f).filter(opened_at__gte=start, opened_at__lt=end)


def cases_handled(municipality: Any, period: Period, **f: Any) -> QuerySet[Case]:
    """Cases opened by the period's end and not closed before its start."""
    _, end = period_bounds(period)
    ended_before = _last_closure_before(municipality, period.start)
    return (_cases(municipality, period, **f).filter(opened_at__lt=end)
            .exclude(status__in=CLOSED, pk__in=ended_before))


def _last_closure_before(municipality: Any, day: dt.date) -> QuerySet[Any]:
    """Ids of cases whose latest closure is before ``day`` (one grouped scan of closures)."""
    return (Closure.objects.filter(case__municipality=municipality).values("case_id")
            .annotate(last=Max("closed_on")).filter(last__lt=day).values("case_id"))


def cases_continuing(municipality: Any, period: Period, **f: Any) -> QuerySet[Case]:
    start, _ = period_bounds(period)
    return cases_handled(municipality, period, **f).filter(opened_at__lt=start)


def contacts_in(municipality: Any, period: Period, **f: Any) -> QuerySet[Contact]:
    start, end = period_bounds(period)
    return Contact.objects.filter(contact_q(period, **f), municipality=municipality,
                                  at__gte=start, at__lt=end)


def contact_q(period: Period, *, tag: str = "", organization: Any = None, reached: str = "",
              **breakdown: Any) -> Q:
    """The contact filters as one condition (on ``Contact``)."""
    q = Q()
    if tag:
        q &= tag_q(tag)
    if organization:
        q &= Q(organization_id=int(organization))
    q &= breakdown_q(period, "case_id", **breakdown)
    if reached:
        if reached not in ("yes", "no"):
            raise ValueError("reached は yes（会えた）か no（会えなかった）で指定してください。")
        q &= Q(reached=reached == "yes")
    return q


def _referrals(municipality: Any, period: Period, *, tag: str = "", organization: Any = None,
               **breakdown: Any) -> QuerySet[Referral]:
    start, end = period_bounds(period)
    qs = Referral.objects.filter(municipality=municipality, responded_at__gte=start,
                                 responded_at__lt=end)
    if tag:
        qs = qs.filter(tag_q(tag, "case__tags"))
    if organization:
        qs = qs.filter(to_org_id=int(organization))
    return qs.filter(breakdown_q(period, "case_id", **breakdown))


def _plans(municipality: Any, period: Period, **f: Any) -> QuerySet[SupportPlan]:
    return SupportPlan.objects.filter(plan_q(period, **f), case__municipality=municipality,
                                      status=PlanStatus.APPROVED, approved_on__gte=period.start,
                                      approved_on__lte=period.end)


def plan_q(period: Period, *, revision: str = "", **f: Any) -> Q:
    """The plan filters (the case's, and ``revision``) as one condition (on ``SupportPlan``)."""
    q = case_q(period, prefix="case__", outer="case_id", **f)
    if revision == "first":
        return q & Q(version=1)
    if revision == "later":
        return q & Q(version__gt=1)
    if revision:
        raise ValueError("revision は first（作成）か later（見直し）で指定してください。")
    return q


def _closures(municipality: Any, period: Period, **f: Any) -> QuerySet[Closure]:
    return Closure.objects.filter(closure_q(period, **f), case__municipality=municipality,
                                  closed_on__gte=period.start, closed_on__lte=period.end)


def closure_q(period: Period, *, reason: str = "", watch: str = "", **f: Any) -> Q:
    """The closure filters (the case's, ``reason``, ``watch``) as one condition."""
    q = case_q(period, prefix="case__", outer="case_id", **f)
    if reason:
        if reason not in ClosureReason.values:
            raise ValueError(f"終結理由「{reason}」はありません。")
        q &= Q(reason=reason)
    if watch:
        q &= Q(watch=watch == "yes")
    return q


def _persons_of(cases: QuerySet[Case]) -> int:
    return CaseSubject.objects.filter(case__in=cases.values("pk")).values(
        "person_id").distinct().count()


def _case_drill(records: Callable[..., QuerySet[Any]], field: str = "case_id") -> Callable[..., Any]:
    def drill(municipality: Any, period: Period, **f: Any) -> QuerySet[Case]:
        qs = records(municipality, period, **f)
        if qs.model is Case:
            return Case.objects.filter(pk__in=qs.values("pk"))
        return Case.objects.filter(pk__in=qs.values(field))
    return drill


# --- cases -------------------------------------------------------------------------------

@register_ranged(key="cases.opened", label="新規相談件数", unit="件", national_id="P1-2",
                 filters=CASE_FILTERS, owner="cases", drill=_case_drill(cases_opened),
                 description="受付日（ケース開始日）が期間内のケースの数。国への報告では"
                             "「包括的相談支援」の事業がついたケース。")
def m_cases_opened(municipality: Any, period: Period, **f: Any) -> int:
    return cases_opened(municipality, period, **f).count()


@register_ranged(key="cases.handled", label="取扱件数", unit="件", national_id="P2-1",
                 filters=CASE_FILTERS, owner="cases", drill=_case_drill(cases_handled),
                 description="期間の終わりまでに受付し、期間の始まりより前に終結（見守り継続を"
                             "含む）していないケースの数（新規＋継続）。")
def m_cases_handled(municipality: Any, period: Period, **f: Any) -> int:
    return cases_handled(municipality, period, **f).count()


@register_ranged(key="cases.handled_continuing", label="取扱件数（継続）", unit="件",
                 national_id="P2-1", filters=CASE_FILTERS, owner="cases",
                 drill=_case_drill(cases_continuing),
                 description="取扱件数のうち、期間の始まり（年度なら4月1日）より前に受付したケース。"
                             "新規は「新規相談件数」（受付日が期間内）。")
def m_cases_continuing(municipality: Any, period: Period, **f: Any) -> int:
    return cases_continuing(municipality, period, **f).count()


@register_ranged(key="cases.persons", label="対象者数（実人数）", unit="人", national_id="P3-1",
                 filters=CASE_FILTERS, owner="cases", drill=_case_drill(cases_handled),
                 description="期間内に取り扱ったケースの本人・世帯員の実人数（同じ人は1人）。")
def m_cases_persons(municipality: Any, period: Period, **f: Any) -> int:
    return _persons_of(cases_handled(municipality, period, **f))


@register_ranged(key="cases.open_at_end", label="期間末に支援中のケース", unit="件",
                 filters=CASE_FILTERS, owner="cases",
                 description="期間の最終日に終結していないケース（見守り継続を除く）の数。")
def m_cases_open_at_end(municipality: Any, period: Period, **f: Any) -> int:
    return cases_open_at_end(municipality, period, **f).count()


def cases_open_at_end(municipality: Any, period: Period, **f: Any) -> QuerySet[Case]:
    closed_by_end = Closure.objects.filter(case__municipality=municipality,
                                           closed_on__lte=period.end).values("case_id")
    return cases_handled(municipality, period, **f).exclude(
        status__in=CLOSED, pk__in=closed_by_end)


# --- contacts ----------------------------------------------------------------------------

@register_ranged(key="contacts.count", label="支援記録（延べ回数）", unit="回", national_id="P1-1",
                 filters=(*CASE_FILTERS, "reached"), owner="cases",
                 drill=_case_drill(contacts_in),
                 description="日時が期間内の支援記録（訪問・電話・来所など）の延べ回数。条件 reached="
                             "yes は会えた・話せたもの、no は会えなかった試み（不在など）。")
def m_contacts_count(municipality: Any, period: Period, **f: Any) -> int:
    return contacts_in(municipality, period, **f).count()


@register_ranged(key="contacts.persons", label="相談実人数", unit="人", national_id="P1-3",
                 filters=(*CASE_FILTERS, "reached"), owner="cases",
                 drill=_case_drill(contacts_in),
                 description="期間内の支援記録があるケースの本人・世帯員の実人数（同じ人は1人）。")
def m_contacts_persons(municipality: Any, period: Period, **f: Any) -> int:
    return CaseSubject.objects.filter(case_id__in=contacts_in(municipality, period, **f)
                                      .values("case_id")).values("person_id").distinct().count()


def outreach_connected(municipality: Any, period: Period, **f: Any) -> QuerySet[Case]:
    """Cases with a reached contact in the period and, by its end, an approved plan or an
    accepted referral."""
    reached = contacts_in(municipality, period, reached="yes", **f).values("case_id")
    return Case.objects.filter(pk__in=reached).filter(connected_q(period))


def connected_q(period: Period, outer: str = "pk") -> Q:
    """The case (``outer``: its id column) has, by the period's end, an approved plan or an
    accepted referral."""
    _, end = period_bounds(period)
    plan = SupportPlan.objects.filter(case_id=OuterRef(outer), status=PlanStatus.APPROVED,
                                      approved_on__lte=period.end)
    accepted = Referral.objects.filter(case_id=OuterRef(outer), status=ReferralStatus.ACCEPTED,
                                       responded_at__lt=end)
    return Q(Exists(plan)) | Q(Exists(accepted))


@register_ranged(key="outreach.connected_persons", label="支援につながった人数", unit="人",
                 national_id="P3-3", filters=CASE_FILTERS, owner="cases",
                 drill=_case_drill(outreach_connected),
                 description="期間内に会えた・話せた支援記録があり、期間末までに支援プランの承認"
                             "または受理されたつなぎがあるケースの本人・世帯員の実人数。")
def m_outreach_connected(municipality: Any, period: Period, **f: Any) -> int:
    return _persons_of(outreach_connected(municipality, period, **f))


# --- referrals ---------------------------------------------------------------------------

def _accepted(municipality: Any, period: Period, **f: Any) -> QuerySet[Referral]:
    return _referrals(municipality, period, **f).filter(status=ReferralStatus.ACCEPTED)


@register_ranged(key="referrals.accepted", label="つないだ件数", unit="件", national_id="P1-4",
                 filters=CASE_FILTERS, owner="cases", drill=_case_drill(_accepted),
                 description="回答（受理）の日が期間内のつなぎの数。国への報告（多機関協働への"
                             "つなぎ）では「多機関協働」の事業がついたケースのつなぎ。")
def m_referrals_accepted(municipality: Any, period: Period, **f: Any) -> int:
    return _accepted(municipality, period, **f).count()


@register_ranged(key="referrals.acceptance_rate", label="つなぎ成立率", unit="%",
                 filters=CASE_FILTERS, owner="cases", drill=_case_drill(_referrals),
                 description="回答の日が期間内のつなぎ（受理＋辞退）のうち受理の割合（小数第1位）。"
                             "回答がなければ算出できません。")
def m_referrals_acceptance_rate(municipality: Any, period: Period, **f: Any) -> Any:
    qs = _referrals(municipality, period, **f).filter(
        status__in=(ReferralStatus.ACCEPTED, ReferralStatus.DECLINED))
    total = qs.count()
    if total == 0:
        raise MetricUnavailable("期間内に回答されたつなぎがありません。")
    return percent(qs.filter(status=ReferralStatus.ACCEPTED).count(), total)


def percent(numerator: int, denominator: int) -> Rate:
    """numerator ÷ denominator in %, rounded half-up to one decimal (for reading only); the
    counts stay on the value (``core.metrics.Rate``) for the committee's suppression."""
    return Rate((Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP), numerator, denominator)


@register_ranged(key="referrals.response_days", label="つなぎ応答日数（中央値）", unit="日",
                 filters=CASE_FILTERS, owner="cases", drill=_case_drill(_referrals),
                 description="回答の日が期間内のつなぎ（受理・辞退）の、依頼から回答までの日数の中央値"
                             "（小数第1位）。")
def m_referrals_response_days(municipality: Any, period: Period, **f: Any) -> Any:
    rows = list(_referrals(municipality, period, **f).filter(
        status__in=(ReferralStatus.ACCEPTED, ReferralStatus.DECLINED))
        .values_list("created_at", "responded_at"))
    if not rows:
        raise MetricUnavailable("期間内に回答されたつなぎがありません。")
    return round(statistics.median((b - a).total_seconds() / 86400 for a, b in rows if b), 1)


# --- plans, closures, organizations -------------------------------------------------------

@register_ranged(key="plans.approved", label="支援プラン 承認件数", unit="件", national_id="P2-2",
                 filters=(*CASE_FILTERS, "revision"), owner="cases",
                 drill=_case_drill(_plans),
                 description="承認日が期間内の支援プランの数。revision=first は第1版（作成）、"
                             "later は第2版以降（見直し）。")
def m_plans_approved(municipality: Any, period: Period, **f: Any) -> int:
    return _plans(municipality, period, **f).count()


@register_ranged(key="closures.count", label="終結件数", unit="件", national_id="P2-5",
                 filters=(*CASE_FILTERS, "reason", "watch"), owner="cases",
                 drill=_case_drill(_closures),
                 description="終結日が期間内の終結の数。watch=no は終結、yes は見守り継続への移行"
                             "（終結とは別に数えます）。reason で終結理由別。")
def m_closures(municipality: Any, period: Period, **f: Any) -> int:
    return _closures(municipality, period, **f).count()


def _organizations_involved(municipality: Any, period: Period, **_: Any) -> QuerySet[Any]:
    """Ids of the organizations involved in the period (one UNION: involvements, referrals'
    receiving and requesting organizations)."""
    start, end = period_bounds(period)
    involved = Involvement.objects.filter(
        municipality=municipality, started_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)).order_by().values_list(
        "organization_id", flat=True)
    referred = Referral.objects.filter(municipality=municipality, created_at__gte=start,
                                       created_at__lt=end).order_by()
    return involved.union(referred.values_list("to_org_id", flat=True),
                          referred.values_list("from_org_id", flat=True))


@register_ranged(key="organizations.involved", label="支援関係機関数", unit="か所",
                 national_id="P0-2", owner="cases",
                 description="期間内にケースへの関与（主担当・関与機関・つなぎ先・見守り）があった、"
                             "または期間内のつなぎの依頼元・依頼先になった機関の数。")
def m_organizations_involved(municipality: Any, period: Period) -> int:
    return _organizations_involved(municipality, period).count()
