"""参加支援 figures in the stats registry (spec/reporting.md P4-1/P4-2, B.4
``participation.retained_90d``): proposals, starts, 定着 at 3 months, volunteers active.
Imported by ``ParticipationConfig.ready``; by event date inside the 年度."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q

from kasane.core.metrics import MetricUnavailable, register
from kasane.core.wareki import fiscal_year_range

from .models import POSITIVE_ENDS, Assignment, HoursLog, Match

RETAINED_DAYS = 90


@register(key="participation.proposals", label="参加支援 受入打診件数", unit="件",
          national_id="P4-2",
          description="年度内に打診日がある受入打診（参加先への提案）の件数。取下げを含む。")
def proposals(municipality: Any, fiscal_year: int) -> int:
    first, last = fiscal_year_range(fiscal_year)
    return Match.objects.filter(municipality=municipality,
                                proposed_on__range=(first, last)).count()


@register(key="participation.starts", label="参加支援 新規マッチング件数（参加開始）", unit="件",
          national_id="P4-2",
          description="年度内に参加を開始した件数（開始日が年度内のもの）。")
def starts(municipality: Any, fiscal_year: int) -> int:
    first, last = fiscal_year_range(fiscal_year)
    return Match.objects.filter(municipality=municipality,
                                started_on__range=(first, last)).count()


def retained(started_on: dt.date, ended_on: dt.date | None, end_reason: str,
             days: int = RETAINED_DAYS) -> bool:
    """Still taking part on day ``days`` after the start, or ended earlier 前向きに (定着・就労等へ)."""
    return ended_on is None or ended_on >= started_on + dt.timedelta(days=days) \
        or end_reason in POSITIVE_ENDS


@register(key="participation.retained_90d", label="参加支援 定着率（3か月）", unit="%",
          description="開始から90日目が年度内に来た参加のうち、その日も参加を続けていた"
                      "（または定着・就労等の前向きな理由で終了した）割合。小数第1位に四捨五入。"
                      "対象がなければ算出できません。")
def retained_90d(municipality: Any, fiscal_year: int) -> Decimal:
    first, last = fiscal_year_range(fiscal_year)
    shift = dt.timedelta(days=RETAINED_DAYS)
    rows = list(Match.objects.filter(
        municipality=municipality, started_on__range=(first - shift, last - shift))
        .values_list("started_on", "ended_on", "end_reason"))
    if not rows:
        raise MetricUnavailable("開始から90日目がこの年度に来た参加がありません。")
    kept = len([1 for s, e, r in rows if s is not None and retained(s, e, r)])
    return (Decimal(kept * 100) / Decimal(len(rows))).quantize(Decimal("0.1"), ROUND_HALF_UP)


@register(key="participation.volunteers_active", label="人材バンク 活動した登録者数", unit="人",
          description="年度内に活動時間の記録があるか、活動先での活動期間が年度にかかる"
                      "人材バンク登録者の数（同じ人は1人）。")
def volunteers_active(municipality: Any, fiscal_year: int) -> int:
    first, last = fiscal_year_range(fiscal_year)
    logged = set(HoursLog.objects.filter(volunteer__municipality=municipality,
                                         on__range=(first, last))
                 .values_list("volunteer_id", flat=True))
    placed = set(Assignment.objects.filter(
        volunteer__municipality=municipality, started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .values_list("volunteer_id", flat=True))
    return len(logged | placed)

