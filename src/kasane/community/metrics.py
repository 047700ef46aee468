"""地域づくり figures in the core metric registry (issue 18), consumed by statistics: 地域課題
by status, activities and events by kind (and area), participants and completions, 拠点
visits and 気づき received. Network meetings held are registered by meetings. Imported by
``CommunityConfig.ready``; every figure counts the 年度 (April–March) by its event date."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import F, Sum

from kasane.core.metrics import Metric, register
from kasane.core.wareki import fiscal_year_range

from .models import Activity, ActivityKind, AreaIssue, HubLog, IssueStatus, WatchReport


def _activities(municipality: Any, fiscal_year: int, area: str = "") -> Any:
    first, last = fiscal_year_range(fiscal_year)
    qs = Activity.objects.filter(municipality_id=municipality.pk, held_on__gte=first,
                                 held_on__lte=last)
    return qs.filter(area__code=area) if area else qs


def _issue_counter(status: str) -> Callable[..., int]:
    def compute(municipality: Any, fiscal_year: int, area: str = "") -> int:
        """地域課題 received in the 年度 that are in ``status`` now."""
        first, last = fiscal_year_range(fiscal_year)
        qs = AreaIssue.objects.filter(municipality_id=municipality.pk, status=status,
                                      created_at__date__gte=first,
                                      created_at__date__lte=last)
        return (qs.filter(area__code=area) if area else qs).count()
    return compute


for code, label in IssueStatus.choices:
    register(Metric(key=f"community.issues.{code}", label=f"地域課題（{label}）", unit="件",
                    description=f"年度内に受け付けた地域課題のうち、いま「{label}」のもの。"
                                "条件 area（圏域コード）で圏域ごと。",
                    fn=_issue_counter(code), filters=("area",)))


def _activity_counter(kind: str, field: str) -> Callable[..., int]:
    def compute(municipality: Any, fiscal_year: int, area: str = "") -> int:
        qs = _activities(municipality, fiscal_year, area).filter(kind=kind)
        if field == "n":
            return qs.count()
        return int(qs.aggregate(v=Sum(field))["v"] or 0)
    return compute


for code, label in ActivityKind.choices:
    register(Metric(key=f"community.activities.{code}", label=f"{label} 件数", unit="件",
                    description=f"年度内に実施した{label}の件数。条件 area（圏域コード）。",
                    fn=_activity_counter(code, "n"), filters=("area",)))
    register(Metric(key=f"community.activities.{code}.sessions", label=f"{label} 回数", unit="回",
                    description=f"年度内に実施した{label}の回数の合計（1件に複数回を含む）。",
                    fn=_activity_counter(code, "sessions"), filters=("area",)))
    register(Metric(key=f"community.activities.{code}.participants", label=f"{label} 参加者数",
                    unit="人", description=f"年度内に実施した{label}の参加者数の合計。",
                    fn=_activity_counter(code, "participants"), filters=("area",)))

register(Metric(key="community.events.consultations", label="出張相談会 受けた相談", unit="件",
                description="年度内の出張相談会で受けた相談の合計。",
                fn=_activity_counter(ActivityKind.CONSULTATION_EVENT, "consultations"),
                filters=("area",)))
register(Metric(key="community.events.connected", label="出張相談会 つないだ数", unit="件",
                description="年度内の出張相談会で相談支援機関などにつないだ数の合計。",
                fn=_activity_counter(ActivityKind.CONSULTATION_EVENT, "connected"),
                filters=("area",)))
register(Metric(key="community.training.completions", label="研修・養成講座 修了者数", unit="人",
                description="年度内の研修・養成講座（見守りサポーター養成講座など）の修了者数の合計。",
                fn=_activity_counter(ActivityKind.TRAINING, "completions"), filters=("area",)))


@register(key="community.hub.visits", label="拠点 来所者数", unit="人",
          description="年度内の拠点の日誌に記録した来所者数（年齢区分の合計）。")
def hub_visits(municipality: Any, fiscal_year: int) -> int:
    first, last = fiscal_year_range(fiscal_year)
    total = HubLog.objects.filter(municipality_id=municipality.pk, on__gte=first, on__lte=last) \
        .aggregate(v=Sum(F("visits_children") + F("visits_teens") + F("visits_adults")
                         + F("visits_elderly")))["v"]
    return int(total or 0)


@register(key="community.watch.reports", label="見守りの気づき 受付件数", unit="件",
          description="年度内に受けた見守りの気づき（民生委員・協力員・協力事業者から）の件数。",
          filters=("area",))
def watch_reports(municipality: Any, fiscal_year: int, area: str = "") -> int:
    first, last = fiscal_year_range(fiscal_year)
    qs = WatchReport.objects.filter(municipality_id=municipality.pk, received_on__gte=first,
                                    received_on__lte=last)
    return (qs.filter(area__code=area) if area else qs).count()
