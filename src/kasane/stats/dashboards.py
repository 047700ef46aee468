"""Dashboards on /stats/dashboard/: aggregate series for one 年度 (counts only, no personal
data), each drawn as an SVG chart with a table and a CSV. For 委員 every series is suppressed
as a breakdown with its total (B.5). A chart whose records do not exist yet shows its reason.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from kasane.cases.metrics import cases_handled, cases_opened, period_bounds
from kasane.cases.models import (
    CaseSubject,
    Contact,
    ProjectTag,
    Referral,
    ReferralStatus,
    Status,
)
from kasane.community.metrics import VISITS, community_activities, hub_logs
from kasane.community.models import ActivityKind
from kasane.core import metrics
from kasane.core.metrics import AGE_BANDS, Period
from kasane.meetings.models import Meeting, MeetingType
from kasane.participation.metrics import followups_done, matches_started

from . import breakdowns
from .charts import Chart
from .charts import band_of as _band_of
from .suppression import suppress_table

MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


def _by_month(qs: QuerySet[Any], field_name: str, period: Period) -> list[int | None]:
    counts = {row["m"].month: row["n"] for row in qs.annotate(m=TruncMonth(field_name))
              .values("m").annotate(n=Count("id")).order_by() if row["m"]}
    return [counts.get(m, 0) for m in MONTHS]


def _month_labels() -> list[str]:
    return [f"{m}月" for m in MONTHS]


def consultations(muni: Any, period: Period) -> Chart:
    start, end = period_bounds(period)
    contacts = Contact.objects.filter(municipality=muni, at__gte=start, at__lt=end,
                                      reached=True)
    return Chart("consultations", "相談の受付（月別）", "件", _month_labels(), [
        ("新規ケース", _by_month(cases_opened(muni, period), "opened_at", period)),
        ("支援記録（会えた・話せた）", _by_month(contacts, "at", period))])


def contacts(muni: Any, period: Period) -> Chart:
    start, end = period_bounds(period)
    qs = Contact.objects.filter(municipality=muni, at__gte=start, at__lt=end)
    return Chart("contacts", "支援記録（月別、会えなかった試みを含む）", "回", _month_labels(), [
        ("会えた・話せた", _by_month(qs.filter(reached=True), "at", period)),
        ("会えなかった（不在など）", _by_month(qs.filter(reached=False), "at", period))])


def age_bands(muni: Any, period: Period) -> Chart:
    births = CaseSubject.objects.filter(case__in=cases_opened(muni, period).values("pk"),
                                        is_primary=True).values_list("person__birth_date",
                                                                     flat=True)
    counts: Counter[str] = Counter()
    for birth in births:
        counts[_band_of(birth, period.end)] += 1
    labels = [*AGE_BANDS, "不明"]
    return Chart("age", "新規ケースの年齢層（主たる本人、期間末の年齢）", "件",
                 [f"{b}歳" if b != "不明" else b for b in labels],
                 [("新規ケース", [counts.get(b, 0) for b in labels])])


def tags(muni: Any, period: Period) -> Chart:
    counts: Counter[str] = Counter()
    for row in cases_opened(muni, period).values_list("tags", flat=True):
        counts.update(row or ["(なし)"])
    labels = [*ProjectTag.values, "(なし)"]
    names = dict(ProjectTag.choices)
    return Chart("tags", "新規ケースの事業別（事業間で重複計上あり）", "件",
                 [str(names.get(t, "事業なし")) for t in labels],
                 [("新規ケース", [counts.get(t, 0) for t in labels])])


def referrals(muni: Any, period: Period) -> Chart:
    start, end = period_bounds(period)
    qs = Referral.objects.filter(municipality=muni, created_at__gte=start,
                                 created_at__lt=end)
    counts = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    labels = [ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.REQUESTED,
              ReferralStatus.PROPOSED, ReferralStatus.WITHDRAWN]
    days = [(b - a).total_seconds() / 86400 for a, b in qs.filter(
        status__in=(ReferralStatus.ACCEPTED, ReferralStatus.DECLINED),
        responded_at__isnull=False).values_list("created_at", "responded_at") if b]
    note = (f"依頼から回答までの日数の中央値 {statistics.median(days):.1f}日（回答{len(days)}件）"
            if days else "回答されたつなぎはまだありません。")
    return Chart("referrals", "つなぎ（依頼日が期間内、状態別）", "件",
                 [str(ReferralStatus(s).label) for s in labels],
                 [("つなぎ", [counts.get(s, 0) for s in labels])], note=note)


def case_status(muni: Any, period: Period) -> Chart:
    counts = dict(cases_handled(muni, period).values_list("status").annotate(n=Count("id"))
                  .order_by())
    return Chart("status", "期間内に取り扱ったケースの現在の状態", "件",
                 [str(s.label) for s in Status],
                 [("ケース", [counts.get(s.value, 0) for s in Status])])


def meetings(muni: Any, period: Period) -> Chart:
    start, end = period_bounds(period)
    qs = Meeting.objects.filter(municipality=muni, starts_at__gte=start, starts_at__lt=end)
    return Chart("meetings", "会議の開催（月別）", "回", _month_labels(), [
        (str(t.label).split("（")[0], _by_month(qs.filter(body__type=t.value), "starts_at", period))
        for t in MeetingType])


def _sum_by_month(qs: QuerySet[Any], field_name: str, value: Any) -> list[int | None]:
    """``value`` (a field name or expression) summed per month of ``field_name``."""
    sums = {row["m"].month: int(row["v"] or 0) for row in qs.annotate(m=TruncMonth(field_name))
            .values("m").annotate(v=Sum(value)).order_by() if row["m"]}
    return [sums.get(m, 0) for m in MONTHS]


def participation(muni: Any, period: Period) -> Chart:
    """参加支援: matches started (P4-2) and 定着支援 done, by month; 定着率 in the note."""
    retained = metrics.evaluate_period("participation.retained_90d", municipality=muni,
                                       period=period)
    note = (f"定着率（開始から90日）{retained.value}%" if retained.ok
            else f"定着率（開始から90日）: 算出できません（{retained.reason}）")
    return Chart("participation", "参加支援（月別）", "件", _month_labels(), [
        ("新規マッチング（参加開始）", _by_month(matches_started(muni, period), "started_on", period)),
        ("定着支援（実施）", _by_month(followups_done(muni, period), "on", period))], note=note)


COMMUNITY_NOTE = ("国への報告 P5-2 と同じ記録：「地域づくり」の事業がついた活動（種類別）と"
                  "拠点の日誌（1日1回）。")


def community_sessions(muni: Any, period: Period) -> Chart:
    acts = community_activities(muni, period)
    return Chart("community_sessions", "地域づくりの活動 開催回数（月別・種類別）", "回",
                 _month_labels(), [
                     *[(str(label), _sum_by_month(acts.filter(kind=code), "held_on", "sessions"))
                       for code, label in ActivityKind.choices],
                     ("拠点の日誌", _by_month(hub_logs(muni, period), "on", period))],
                 note=COMMUNITY_NOTE)


def community_participants(muni: Any, period: Period) -> Chart:
    acts = community_activities(muni, period)
    return Chart("community_participants", "地域づくりの活動 参加者延べ人数（月別・種類別）", "人",
                 _month_labels(), [
                     *[(str(label), _sum_by_month(acts.filter(kind=code), "held_on",
                                                  "participants"))
                       for code, label in ActivityKind.choices],
                     ("拠点の来所者", _sum_by_month(hub_logs(muni, period), "on", VISITS))],
                 note=COMMUNITY_NOTE)


def _unavailable(key: str, title: str, metric: str, reason: str) -> Callable[[Any, Period], Chart]:
    def chart(muni: Any, period: Period) -> Chart:
        if metric in metrics.METRICS:
            figure = metrics.evaluate_period(metric, municipality=muni, period=period)
            return Chart(key, title, "件", ["期間内"], [(title, [figure.value or 0])],
                         reason=figure.reason)
        return Chart(key, title, "件", reason=reason)
    return chart


CHARTS: dict[str, Callable[[Any, Period], Chart]] = {
    "consultations": consultations,
    "contacts": contacts,
    "age": age_bands,
    "tags": tags,
    "problem": breakdowns.problem_breakdown,
    "area": breakdowns.area_breakdown,
    "referrals": referrals,
    "status": case_status,
    "meetings": meetings,
    "participation": participation,
    "community_sessions": community_sessions,
    "community_participants": community_participants,
    "age_area": breakdowns.age_area_breakdown,
}


def build(muni: Any, period: Period, *, suppress: bool = False, only: str = "") -> list[Chart]:
    """Every chart (or ``only`` one) for the period; suppressed for 委員."""
    charts = [fn(muni, period) for key, fn in CHARTS.items() if not only or key == only]
    if suppress:
        handled = breakdowns.for_committee(muni, period, charts)
        for chart in charts:
            if chart.key not in handled:
                _suppress(chart)
    return charts


def _suppress(chart: Chart) -> None:
    if not chart.series:
        return
    values = [[v or 0 for v in vs] for _, vs in chart.series]
    table = suppress_table(values, row_totals=True, col_totals=len(values) > 1)
    chart.series = [(name, table.cells[i]) for i, (name, _) in enumerate(chart.series)]
    chart.suppressed_totals = table.row_totals
