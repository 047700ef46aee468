"""The records behind a number (drill-down) and the 点検 list of records the national report
needs fixed. Counts are never filtered by the reader's access (the aggregate right of 事務局);
lists are: only cases the reader may see are listed — through ``cases.policy.visible_cases``,
each listing logged (``log_cases_listed``) — and the rest are counted per organization, without
any personal data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from kasane.accounts.models import Actor
from kasane.cases import policy as case_policy
from kasane.cases.metrics import cases_handled, period_bounds
from kasane.cases.models import Case, CaseSubject, Contact
from kasane.cases.selectors import listed_names
from kasane.core import metrics
from kasane.core.metrics import Period

LIST_LIMIT = 200


@dataclass
class Listing:
    """Visible rows (at most LIST_LIMIT), the total and the hidden ones by organization."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    hidden: int = 0
    hidden_by_org: list[tuple[str, int]] = field(default_factory=list)
    truncated: bool = False


def drill(actor: Actor, key: str, period: Period, **filters: Any) -> Listing | None:
    """The cases behind ``key``'s number for ``period`` the actor may see; None when the
    metric gives no drill-down."""
    metric = metrics.get(key)
    if metric.drill is None:
        return None
    behind: QuerySet[Case] = metric.drill(actor.organization.municipality, period, **filters)
    return _case_listing(actor, behind, detail=f"統計の内訳 {key} {period.label}")


def _case_listing(actor: Actor, behind: QuerySet[Case], *, detail: str,
                  note: dict[int, str] | None = None) -> Listing:
    total = behind.count()
    visible = list(case_policy.visible_cases(actor, behind).select_related("lead_org")
                   .order_by("-opened_at", "-id")[:LIST_LIMIT + 1])
    truncated = len(visible) > LIST_LIMIT
    visible = visible[:LIST_LIMIT]
    names = listed_names(actor, visible, detail=detail)
    seen = {c.pk for c in visible}
    hidden_orgs = Counter(behind.exclude(pk__in=seen).values_list("lead_org__name", flat=True)) \
        if not truncated else Counter()
    return Listing(
        rows=[{"case": c, "names": names.get(c.pk, ""), "url": reverse("cases:detail", args=[c.pk]),
               "note": (note or {}).get(c.pk, "")} for c in visible],
        total=total, hidden=total - len(visible) if not truncated else 0,
        hidden_by_org=sorted(hidden_orgs.items()), truncated=truncated)


@dataclass
class CheckGroup:
    code: str
    title: str
    why: str
    listing: Listing


def report_checks(actor: Actor, fy: int) -> list[CheckGroup]:
    """Records of 年度 ``fy`` the national report cannot place, each group with the reason."""
    municipality = actor.organization.municipality
    period = Period.fiscal(fy)
    start, end = period_bounds(period)
    untagged_contacts = Contact.objects.filter(municipality=municipality, at__gte=start,
                                               at__lt=end, tags=[])
    by_case = Counter(untagged_contacts.values_list("case_id", flat=True))
    handled = cases_handled(municipality, period)
    no_birth = CaseSubject.objects.filter(case_id=OuterRef("pk"), is_primary=True,
                                          person__birth_date__isnull=True)
    no_primary = CaseSubject.objects.filter(case_id=OuterRef("pk"), is_primary=True)
    groups = [
        CheckGroup("contact-untagged", "事業のついていない支援記録",
                   "どの事業（包括的相談支援・アウトリーチ等…）にも数えられません。支援記録を開き、"
                   "事業を選んでください。",
                   _case_listing(actor, Case.objects.filter(pk__in=list(by_case)),
                                 detail="国への報告の点検",
                                 note={cid: f"事業なしの記録 {n}件" for cid, n in by_case.items()})),
        CheckGroup("case-untagged", "事業のついていないケース",
                   "新規相談件数・取扱件数に数えられません。ケースの情報を編集し、事業を選んでください。",
                   _case_listing(actor, handled.filter(tags=[]), detail="国への報告の点検")),
        CheckGroup("case-no-primary", "主たる本人が決まっていないケース",
                   "年齢層別の集計に入りません。ケースの本人から主たる本人を決めてください。",
                   _case_listing(actor, handled.exclude(Exists(no_primary)),
                                 detail="国への報告の点検")),
        CheckGroup("case-no-birth", "主たる本人の生年月日がないケース",
                   "年齢層別の集計に入りません。本人の情報に生年月日（分かる範囲）を入力してください。",
                   _case_listing(actor, handled.filter(Exists(no_birth)),
                                 detail="国への報告の点検")),
    ]
    return groups
