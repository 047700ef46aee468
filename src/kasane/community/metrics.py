"""地域づくり figures in the core metric registry (issue 18), consumed by statistics: 地域課題
by status, activities and events by kind (and area), participants and completions, 拠点
visits and 気づき received; and the national report's P5 cells (spec/reporting.md B.2: hubs,
activity sessions and participants, 地域課題 found / discussed, resources created with an
origin — any period). Network meetings held are registered by meetings. Imported by
``CommunityConfig.ready``; every figure counts the period by its event date."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum

from kasane.cases.metrics import period_bounds, tag_q
from kasane.cases.models import ProjectTag
from kasane.core.metrics import Metric, Period, register, register_ranged
from kasane.core.wareki import fiscal_year_range
from kasane.meetings.models import MeetingType
from kasane.resources.metrics import open_on_q, places_with_history
from kasane.resources.models import Place, PlaceKind

from .models import (
    Activity,
    ActivityKind,
    AreaIssue,
    HubLog,
    IssueAction,
    IssueStatus,
    WatchReport,
)


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


# --- national report P5 (spec/reporting.md B.2) ------------------------------------------------
# 拠点・居場所 = a place of a 居場所 kind, or any place that keeps a 拠点 daily log. Places are
# dated by 開設日 (or the day they were registered here) and 休止・終了日; 下書き never counts.
# 活動開催回数 = the sessions of activities tagged 地域づくり + one per 拠点 daily log; 参加者延べ
# 人数 = their participants + the log's visitors. Each record counts once (an activity with
# several tags, a log) — the national figure never adds an activity twice.

HUB_KINDS = (PlaceKind.IBASHO, PlaceKind.SALON, PlaceKind.KODOMO_SHOKUDO)


def hubs(municipality: Any) -> QuerySet[Place]:
    logged = HubLog.objects.filter(place_id=OuterRef("pk"))
    return places_with_history(municipality).filter(Q(kind__in=HUB_KINDS) | Q(Exists(logged)))


@register_ranged(key="community.hubs_active", label="拠点・居場所数（期間末現在）", unit="か所",
                 national_id="P5-1-hubs", owner="community",
                 description="期間の最終日（年度なら3月31日）に開いていた拠点・居場所の数。"
                             "拠点・居場所は種類が居場所・サロン・子ども食堂の場と、拠点の日誌を"
                             "つけている場。開設日（空欄なら登録日）から休止・終了日の前日まで"
                             "開いていたとみなします。下書きは数えません。")
def m_hubs_active(municipality: Any, period: Period) -> int:
    return hubs(municipality).filter(open_on_q(period.end)).count()


@register_ranged(key="community.hubs_opened", label="拠点・居場所の新規開設数", unit="か所",
                 national_id="P5-1-new", owner="community",
                 description="開設日（空欄なら登録日）が期間内の拠点・居場所の数（下書きを除く）。")
def m_hubs_opened(municipality: Any, period: Period) -> int:
    return hubs(municipality).filter(Q(opened__range=(period.start, period.end))).count()


def community_activities(municipality: Any, period: Period) -> QuerySet[Activity]:
    return Activity.objects.filter(municipality_id=municipality.pk, held_on__gte=period.start,
                                   held_on__lte=period.end).filter(tag_q(ProjectTag.COMMUNITY))


def hub_logs(municipality: Any, period: Period) -> QuerySet[HubLog]:
    return HubLog.objects.filter(municipality_id=municipality.pk, on__gte=period.start,
                                 on__lte=period.end)


VISITS = F("visits_children") + F("visits_teens") + F("visits_adults") + F("visits_elderly")


@register_ranged(key="community.activities", label="地域づくり 活動開催回数", unit="回",
                 national_id="P5-2-events", owner="community",
                 description="実施日が期間内で「地域づくり」の事業がついた活動の回数の合計と、"
                             "拠点の日誌の日数（1日1回）の和。1つの活動は事業がいくつついていても1回分。")
def m_activities(municipality: Any, period: Period) -> int:
    sessions = community_activities(municipality, period).aggregate(v=Sum("sessions"))["v"]
    return int(sessions or 0) + hub_logs(municipality, period).count()


@register_ranged(key="community.participants", label="地域づくり 参加者延べ人数", unit="人",
                 national_id="P5-2-participants", owner="community",
                 description="「地域づくり」の事業がついた期間内の活動の参加者数の合計と、"
                             "拠点の日誌の来所者数（年齢区分の合計）の和（延べ人数）。")
def m_participants(municipality: Any, period: Period) -> int:
    people = community_activities(municipality, period).aggregate(v=Sum("participants"))["v"]
    visits = hub_logs(municipality, period).aggregate(v=Sum(VISITS))["v"]
    return int(people or 0) + int(visits or 0)


@register_ranged(key="community.issues_found", label="地域課題 把握件数", unit="件",
                 national_id="P5-3-found", owner="community",
                 description="受付日（登録日時）が期間内の地域課題（地域課題シートと画面からの登録）の数。")
def m_issues_found(municipality: Any, period: Period) -> int:
    start, end = period_bounds(period)
    return AreaIssue.objects.filter(municipality_id=municipality.pk, created_at__gte=start,
                                    created_at__lt=end).count()


def issues_discussed(municipality: Any, period: Period) -> QuerySet[AreaIssue]:
    start, end = period_bounds(period)
    actions = IssueAction.objects.filter(
        issue_id=OuterRef("pk"), meeting__body__type=MeetingType.AREA_COMMITTEE,
        meeting__starts_at__gte=start, meeting__starts_at__lt=end)
    return AreaIssue.objects.filter(municipality_id=municipality.pk).filter(Exists(actions))


@register_ranged(key="community.issues_discussed", label="地域課題 協議件数", unit="件",
                 national_id="P5-3-discussed", owner="community",
                 description="期間内に開かれた福祉のまちづくり委員会で協議した地域課題の数"
                             "（取組の記録で「協議した会議」にその回を選んだもの。同じ課題は1件）。")
def m_issues_discussed(municipality: Any, period: Period) -> int:
    return issues_discussed(municipality, period).count()


def new_resources(municipality: Any, period: Period) -> QuerySet[Place]:
    from_issue = IssueAction.objects.filter(resource_id=OuterRef("pk"))
    return places_with_history(municipality).filter(
        Q(opened__range=(period.start, period.end))).filter(
        Q(developed_on__isnull=False) | Q(Exists(from_issue)))


@register_ranged(key="community.new_resources", label="創出された社会資源数", unit="か所",
                 national_id="P5-4", owner="community",
                 description="開設日（空欄なら登録日）が期間内の社会資源（下書きを除く）のうち、"
                             "生まれたきっかけが記録されたもの：地域課題の取組の「生まれた社会資源」"
                             "に選ばれた場、または参加支援のニーズから新規開拓した場。")
def m_new_resources(municipality: Any, period: Period) -> int:
    return new_resources(municipality, period).count()
