"""Meeting figures in the stats registry (spec/reporting.md P2-3, P2-4; network meetings of
issue 18). Imported by ``MeetingsConfig.ready``; a designated field meeting counts as the type
it is designated as."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from kasane.core.metrics import Metric, MetricUnavailable, Period, Request, register, register_batch
from kasane.core.wareki import fiscal_year_range

from . import selectors
from .models import CASE_TYPES, NETWORK_TYPES, MeetingType


def _counter(key: str) -> Any:
    def compute(municipality: Any, fiscal_year: int) -> int:
        first, last = fiscal_year_range(fiscal_year)
        return selectors.counts(municipality.pk, first, last + dt.timedelta(days=1))[key]
    return compute


for code, label, national in ((MeetingType.SUPPORT, "支援会議", "P2-3"),
                              (MeetingType.MULTILAYER, "重層的支援会議", "P2-4")):
    register(Metric(
        key=f"meetings.{code}.held", label=f"{label} 開催回数", unit="回", national_id=national,
        description=f"年度内に開催された{label}（{label}として指定された既存の会議を含む）の回数。"
                    "開始日時が年度内で、現在より前のもの。",
        fn=_counter(f"{code}.held")))
    register(Metric(
        key=f"meetings.{code}.cases", label=f"{label} 検討件数", unit="件", national_id=national,
        description=f"年度内に開催された{label}の議題にのったケースの数（同じケースは1件）。",
        fn=_counter(f"{code}.cases")))


for code, label in ((MeetingType.PROMOTION, "相談支援包括化推進会議"),
                    (MeetingType.AREA_COMMITTEE, "福祉のまちづくり委員会"),
                    (MeetingType.INTRA_OFFICE, "庁内連携会議")):
    register(Metric(
        key=f"meetings.{code}.held", label=f"{label} 開催回数", unit="回",
        description=f"年度内に開催された{label}の回数。開始日時が年度内で、現在より前のもの。",
        fn=_counter(f"{code}.held")))


@register(key="meetings.network.held", label="ネットワーク会議 開催回数", unit="回",
          description="年度内に開催されたネットワーク会議（相談支援包括化推進会議・福祉のまちづくり"
                      "委員会・庁内連携会議）の回数の合計。")
def network_held(municipality: Any, fiscal_year: int) -> int:
    first, last = fiscal_year_range(fiscal_year)
    found = selectors.counts(municipality.pk, first, last + dt.timedelta(days=1))
    return sum(found[f"{code}.held"] for code in NETWORK_TYPES)


@register_batch(*(f"meetings.{code}.held" for code in MeetingType.values),
                *(f"meetings.{code}.cases" for code in CASE_TYPES), "meetings.network.held")
def meetings_batch(municipality: Any, period: Period,
                   requests: Sequence[Request]) -> list[int]:
    """Every meeting figure of a 年度 from one ``selectors.counts`` (a report's cells)."""
    if not period.is_fiscal_year:
        raise MetricUnavailable("この指標は年度単位でだけ算出できます。")
    found = selectors.counts(municipality.pk, period.start, period.end_exclusive)
    found["network.held"] = sum(found[f"{code}.held"] for code in NETWORK_TYPES)
    return [found[key.removeprefix("meetings.")] for key, _filters in requests]
