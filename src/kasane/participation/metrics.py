"""参加支援 figures in the stats registry (spec/reporting.md B.2 P4-1 … P4-3, B.3, D
``participation.retained_90d``): proposals, starts, 定着 at 3 months, volunteers active, and the
national report's users, matches started, follow-ups, hosts and newly developed hosts (any
period). Imported by ``ParticipationConfig.ready``; by event date inside the period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from kasane.cases.metrics import period_bounds, tag_q
from kasane.cases.models import Case, CaseSubject, Contact, PlanStatus, ProjectTag, SupportPlan
from kasane.core.metrics import MetricUnavailable, Period, register, register_ranged
from kasane.core.wareki import fiscal_year_range
from kasane.people.models import Consent, PersonLink, Purpose
from kasane.resources.metrics import places_with_history
from kasane.resources.models import Place

from .models import POSITIVE_ENDS, Assignment, FollowUp, HoursLog, Match, Stage

RETAINED_DAYS = 90
COUNTED_STAGES = (Stage.STARTED, Stage.ENDED)
"""Stages of a match that really started (取下げ・受入不可 are never counted: voided)."""


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
          description="開始から90日目が年度内に来た参加（取下げ・受入不可を除く）のうち、その日も参加を続けていた"
                      "（または定着・就労等の前向きな理由で終了した）割合。小数第1位に四捨五入。"
                      "対象がなければ算出できません。")
def retained_90d(municipality: Any, fiscal_year: int) -> Decimal:
    first, last = fiscal_year_range(fiscal_year)
    shift = dt.timedelta(days=RETAINED_DAYS)
    rows = list(Match.objects.filter(
        municipality=municipality, stage__in=COUNTED_STAGES,
        started_on__range=(first - shift, last - shift))
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



# --- national report P4 (spec/reporting.md B.2, B.3) -------------------------------------------
# A match is *active* in a period when it started (stage 参加中 or 終了 with a start date) by the
# period's end and had not ended before its start. 取下げ / 受入不可 matches never count (they
# are the "voided" rows of this app); a 体験 alone is not a start.


def matches_active(municipality: Any, period: Period) -> QuerySet[Match]:
    return Match.objects.filter(
        municipality=municipality, stage__in=COUNTED_STAGES, started_on__isnull=False,
        started_on__lte=period.end).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))


def matches_started(municipality: Any, period: Period) -> QuerySet[Match]:
    return Match.objects.filter(municipality=municipality, stage__in=COUNTED_STAGES,
                                started_on__range=(period.start, period.end))


def _with_plan(case_field: str, period: Period) -> Q:
    """Records whose case had an approved support plan by the period's end."""
    plans = SupportPlan.objects.filter(case_id=OuterRef(case_field), status=PlanStatus.APPROVED,
                                       approved_on__lte=period.end)
    return Q(Exists(plans))


def _json_has(field: str, value: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    return Q(**{f"{field}__icontains": f'"{value}"'})


def _participation_contacts(municipality: Any, period: Period) -> QuerySet[Contact]:
    start, end = period_bounds(period)
    contacts = Contact.objects.filter(municipality=municipality, at__gte=start, at__lt=end) \
        .filter(tag_q(ProjectTag.PARTICIPATION))
    if settings.KASANE_PARTICIPATION_REQUIRES_PLAN:
        contacts = contacts.filter(_with_plan("case_id", period))
    return contacts


def consented_contact_persons(municipality: Any, period: Period) -> set[int]:
    """B.3: subjects of cases with a 参加支援-tagged contact in the period who hold a consent
    for 参加支援 (目的 participation) that was in force at some time in the period."""
    contacts = _participation_contacts(municipality, period)
    consents = Consent.objects.filter(
        municipality=municipality, obtained_on__lte=period.end).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=period.start)).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=period.start)).filter(
        _json_has("purposes", Purpose.PARTICIPATION))
    return set(CaseSubject.objects.filter(case_id__in=contacts.values("case_id"),
                                          person_id__in=consents.values("person_id"))
               .values_list("person_id", flat=True))


def count_persons(municipality: Any, person_ids: set[int]) -> int:
    """Distinct persons after 名寄せ: records joined by an active 同一人物 link count once."""
    parent = {pid: pid for pid in person_ids}

    def root(pid: int) -> int:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    links = PersonLink.objects.filter(municipality=municipality, ended_at__isnull=True) \
        .values_list("person_a_id", "person_b_id")
    for a, b in links:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        parent[root(a)] = root(b)
    return len({root(pid) for pid in person_ids})


def participation_person_ids(municipality: Any, period: Period) -> set[int]:
    matches = matches_active(municipality, period)
    if settings.KASANE_PARTICIPATION_REQUIRES_PLAN:
        matches = matches.filter(_with_plan("case_id", period))
    return set(matches.values_list("person_id", flat=True)) | \
        consented_contact_persons(municipality, period)


def _drill_cases(records: Callable[..., QuerySet[Any]]) -> Callable[..., QuerySet[Case]]:
    def drill(municipality: Any, period: Period, **_: Any) -> QuerySet[Case]:
        return Case.objects.filter(pk__in=records(municipality, period).values("case_id"))
    return drill


def _users_drill(municipality: Any, period: Period, **_: Any) -> QuerySet[Case]:
    """The cases behind P4-1: of its matches and of its 参加支援 contacts (the latter may hold
    a subject without the consent, who is not counted)."""
    return Case.objects.filter(
        Q(pk__in=matches_active(municipality, period).values("case_id"))
        | Q(pk__in=_participation_contacts(municipality, period).values("case_id")))


@register_ranged(key="participation.users", label="参加支援 利用者数（実人数）", unit="人",
                 national_id="P4-1", owner="participation", drill=_users_drill,
                 description="期間内に参加中だった（開始日が期間末までで、期間の始まりより前に"
                             "終了していない）参加支援の本人と、期間内に「参加支援」の事業がついた"
                             "支援記録があり参加支援の同意（目的「参加支援の利用」）がある本人の実人数。"
                             "名寄せで同一人物とした記録は1人。設定 KASANE_PARTICIPATION_REQUIRES_PLAN"
                             " が有効なら、承認済みの支援プランがあるケースの人だけ。取下げ・受入不可は数えません。")
def m_users(municipality: Any, period: Period) -> int:
    return count_persons(municipality, participation_person_ids(municipality, period))


@register_ranged(key="participation.matches_started", label="参加支援 新規マッチング件数", unit="件",
                 national_id="P4-2-matches", owner="participation",
                 drill=_drill_cases(matches_started),
                 description="開始日が期間内の参加支援（参加中・終了のもの）の件数。"
                             "取下げ・受入不可・体験だけのものは数えません。")
def m_matches_started(municipality: Any, period: Period) -> int:
    return matches_started(municipality, period).count()


def followups_done(municipality: Any, period: Period) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(match__municipality=municipality,
                                   on__range=(period.start, period.end))


@register_ranged(key="participation.followups", label="参加支援 定着支援回数", unit="回",
                 national_id="P4-2-followups", owner="participation",
                 drill=_drill_cases(lambda m, p: Match.objects.filter(
                     pk__in=followups_done(m, p).values("match_id"))),
                 description="実施日が期間内の定着支援（訪問・電話などの記録）の延べ回数。"
                             "予定だけで実施日のないものは数えません。")
def m_followups(municipality: Any, period: Period) -> int:
    return followups_done(municipality, period).count()


@register_ranged(key="participation.hosts_active", label="参加支援 受入先数", unit="か所",
                 national_id="P4-3-hosts", owner="participation",
                 description="期間内に参加中の参加支援が1件以上あった場（社会資源）の数。")
def m_hosts_active(municipality: Any, period: Period) -> int:
    return matches_active(municipality, period).values("place_id").distinct().count()


def hosts_new(municipality: Any, period: Period) -> QuerySet[Place]:
    return places_with_history(municipality).filter(
        developed_on__range=(period.start, period.end))


@register_ranged(key="participation.hosts_new", label="参加支援 受入先の新規開拓数", unit="か所",
                 national_id="P4-3-new", owner="participation",
                 description="社会資源の「参加支援で新規開拓した日」が期間内の場の数"
                             "（下書きを除く。その後休止・終了した場も数えます）。")
def m_hosts_new(municipality: Any, period: Period) -> int:
    return hosts_new(municipality, period).count()
