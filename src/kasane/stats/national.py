"""The national report (国への報告, spec/reporting.md part B): one printed cell per row of a
report *template*, each cell = a registry metric + filters for a 年度.

Codes start with the part-B id; two-part figures carry a suffix (``P2-1-new`` /
``P2-1-continuing``). A cell whose metric is not registered on this installation (参加支援,
地域づくり until those apps land) is looked up by ``national_id`` == its code; when still
missing it is *unavailable*: the screen prints 「算出できません（…）」 and the API returns
``value`` 0 with ``"available": false`` and the reason (the contract keeps ``value`` a number).
Templates are versioned by 年度 (``template_for``), so a changed national form is a new
template, not changed code paths. One activity counts in every 事業 it is tagged with; totals
across 事業 are never summed (「事業間で重複計上あり」).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from kasane.core import metrics
from kasane.core.metrics import Period
from kasane.core.wareki import fiscal_year

SECTIONS = {"P0": "体制", "P1": "包括的相談支援事業", "P2": "多機関協働事業",
            "P3": "アウトリーチ等を通じた継続的支援事業", "P4": "参加支援事業",
            "P5": "地域づくり事業"}

CLOSURE_REASONS = (("goal_met", "目標達成"), ("roles_agreed", "役割合意・主担当へ"),
                   ("connected", "つながり安定"), ("self_request", "本人の希望"),
                   ("other_system", "他制度へ（入所・入院）"), ("moved", "転出"),
                   ("death", "死亡"), ("unreachable", "連絡不能"), ("other", "その他"))


@dataclass(frozen=True)
class Cell:
    code: str
    label: str
    unit: str
    metric: str
    filters: dict[str, Any] = field(default_factory=dict)
    manual: bool = False
    """A cell with no records source (B.1: e.g. 予算): 事務局 type its value with a note
    (``NationalReportManualValue``); ``metric`` is then empty."""

    @property
    def section(self) -> str:
        return SECTIONS.get(self.code[:2], "")


MA = {"tag": "multi_agency"}
OUT = {"tag": "outreach"}
COMP = {"tag": "comprehensive"}

TEMPLATE_2024: tuple[Cell, ...] = (
    Cell("P0-1", "相談支援包括化推進員 配置数（3月31日現在）", "人", "staff.coordinators"),
    Cell("P0-2", "支援関係機関数", "か所", "organizations.involved"),
    Cell("P0-3-budget", "事業費 予算額", "千円", "", manual=True),
    Cell("P0-3-settled", "事業費 決算（見込）額", "千円", "", manual=True),
    Cell("P1-1", "相談受付件数（延べ）", "回", "contacts.count", {**COMP, "reached": "yes"}),
    Cell("P1-2", "新規相談件数", "件", "cases.opened", COMP),
    Cell("P1-3", "相談実人数", "人", "contacts.persons", {**COMP, "reached": "yes"}),
    Cell("P1-4", "多機関協働へのつなぎ件数", "件", "referrals.accepted", MA),
    Cell("P2-1-new", "取扱件数（新規）", "件", "cases.opened", MA),
    Cell("P2-1-continuing", "取扱件数（継続）", "件", "cases.handled_continuing", MA),
    Cell("P2-2-created", "プラン作成件数", "件", "plans.approved", {**MA, "revision": "first"}),
    Cell("P2-2-revised", "プラン見直し件数", "件", "plans.approved", {**MA, "revision": "later"}),
    Cell("P2-3-held", "支援会議 開催回数", "回", "meetings.support_meeting.held"),
    Cell("P2-3-cases", "支援会議 検討件数", "件", "meetings.support_meeting.cases"),
    Cell("P2-4-held", "重層的支援会議 開催回数", "回", "meetings.multilayer_meeting.held"),
    Cell("P2-4-cases", "重層的支援会議 検討件数", "件", "meetings.multilayer_meeting.cases"),
    Cell("P2-5-closed", "終結件数", "件", "closures.count", {**MA, "watch": "no"}),
    *(Cell(f"P2-5-{code}", f"終結件数（{label}）", "件", "closures.count",
           {**MA, "watch": "no", "reason": code}) for code, label in CLOSURE_REASONS),
    Cell("P2-5-watch", "見守り継続への移行件数", "件", "closures.count", {**MA, "watch": "yes"}),
    Cell("P3-1", "対象者数（実人数）", "人", "cases.persons", OUT),
    Cell("P3-2-reached", "訪問等 延べ回数（接触）", "回", "contacts.count", {**OUT, "reached": "yes"}),
    Cell("P3-2-not-reached", "訪問等 延べ回数（不在等）", "回", "contacts.count",
         {**OUT, "reached": "no"}),
    Cell("P3-3-reached", "本人と接触できた人数", "人", "contacts.persons", {**OUT, "reached": "yes"}),
    Cell("P3-3-connected", "支援につながった人数", "人", "outreach.connected_persons", OUT),
    Cell("P4-1", "参加支援 利用者数（実人数）", "人", "participation.users"),
    Cell("P4-2-matches", "新規マッチング件数", "件", "participation.matches_started"),
    Cell("P4-2-followups", "定着支援回数", "回", "participation.followups"),
    Cell("P4-3-hosts", "受入先数", "か所", "participation.hosts_active"),
    Cell("P4-3-new", "受入先の新規開拓数", "か所", "participation.hosts_new"),
    Cell("P5-1-hubs", "拠点・居場所数（3月31日現在）", "か所", "community.hubs_active"),
    Cell("P5-1-new", "拠点・居場所の新規開設数", "か所", "community.hubs_opened"),
    Cell("P5-2-events", "活動開催回数", "回", "community.activities"),
    Cell("P5-2-participants", "参加者延べ人数", "人", "community.participants"),
    Cell("P5-3-found", "地域課題 把握件数", "件", "community.issues_found"),
    Cell("P5-3-discussed", "地域課題 協議件数", "件", "community.issues_discussed"),
    Cell("P5-4", "創出された社会資源数", "か所", "community.new_resources"),
)

TEMPLATES: dict[int, tuple[Cell, ...]] = {2024: TEMPLATE_2024}
"""Template versions by the first 年度 they apply to."""


OVERLAP_NOTE = "事業間で重複計上あり（1つの記録は、ついている事業のそれぞれで数えます）。"


class FutureYear(ValueError):
    """A 年度 that has not started yet."""


def template_for(fy: int) -> tuple[Cell, ...]:
    """The template in force for 年度 ``fy`` (the latest version starting at or before it;
    the oldest one for earlier years)."""
    starts = sorted(TEMPLATES)
    chosen = starts[0]
    for start in starts:
        if start <= fy:
            chosen = start
    return TEMPLATES[chosen]


def check_year(fy: int) -> None:
    current = fiscal_year(timezone.localdate())
    if fy > current:
        raise FutureYear(f"{fy}年度はまだ始まっていません（現在は{current}年度です）。"
                         "終わった年度か今年度を指定してください。")
    if fy < 2000:
        raise FutureYear("年度は2000以降の西暦で指定してください。")


def template_version(fy: int) -> int:
    """The first 年度 of the template in force for ``fy`` (kept on each edition)."""
    return next(start for start, cells in TEMPLATES.items() if cells is template_for(fy))


MANUAL_MISSING = "手入力の値がまだありません（事務局が入力します）"


def manual_values(municipality: Any, fy: int) -> dict[str, Any]:
    """The latest typed value of each manual cell of 年度 ``fy`` (one query)."""
    from .models import NationalReportManualValue

    latest: dict[str, Any] = {}
    for row in NationalReportManualValue.objects.filter(
            municipality=municipality, fiscal_year=fy).select_related("author") \
            .order_by("code", "-created_at", "-pk"):
        latest.setdefault(row.code, row)
    return latest


def _metric_for(cell: Cell) -> str:
    if cell.metric in metrics.METRICS:
        return cell.metric
    for m in metrics.all_metrics():
        if m.national_id == cell.code:
            return m.key
    return cell.metric


def national_report(municipality: Any, fy: int,
                    progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """Every printed cell for 年度 ``fy``: code, label, unit, section, value (a number; 0 when
    unavailable), available, reason, metric key and filters (for the drill-down link), and
    ``manual`` (a typed cell: with its ``note`` and ``author``). ``progress(done, total)`` is
    called as the cells are done (background exports).

    The computed cells are evaluated together (``metrics.evaluate_many``): cells of one metric
    family (contacts, cases, plans, closures, meetings) are computed in one pass over their
    records, each figure the same as its metric alone."""
    check_year(fy)
    period = Period.fiscal(fy)
    template = template_for(fy)
    if progress is not None:
        progress(0, len(template))
    typed = manual_values(municipality, fy) if any(c.manual for c in template) else {}
    cells = []
    for cell in template:
        key = "" if cell.manual else _metric_for(cell)
        cells.append((cell, key, cell.filters if key == cell.metric else {}))
    asked = [(key, filters) for cell, key, filters in cells
             if not cell.manual and key in metrics.METRICS]
    with transaction.atomic():
        _without_jit()
        figures = iter(metrics.evaluate_many(asked, municipality=municipality, period=period))
    out: list[dict[str, Any]] = []
    for done, (cell, key, filters) in enumerate(cells, start=1):
        if cell.manual:
            out.append(_typed_row(cell, typed.get(cell.code)))
        else:
            out.append(_computed_row(cell, key, filters, figures))
        if progress is not None:
            progress(done, len(cells))
    return out


def _typed_row(cell: Cell, row: Any) -> dict[str, Any]:
    return {"code": cell.code, "label": cell.label, "unit": cell.unit, "section": cell.section,
            "value": row.value if row else 0, "available": row is not None,
            "reason": "" if row else MANUAL_MISSING, "metric": "", "filters": {},
            "manual": True, "note": row.note if row else "",
            "author": str(row.author) if row else ""}


def _computed_row(cell: Cell, key: str, filters: dict[str, Any],
                  figures: Iterator[metrics.Figure]) -> dict[str, Any]:
    if key not in metrics.METRICS:
        figure = metrics.Figure(key, reason="この事業の記録はまだこのシステムにありません"
                                            f"（{cell.metric}）")
    else:
        figure = next(figures)
    value = figure.value if figure.ok else 0
    return {"code": cell.code, "label": cell.label, "unit": cell.unit, "section": cell.section,
            "value": value if value is not None else 0, "available": figure.ok,
            "reason": figure.reason, "metric": key, "filters": filters, "manual": False}


def _without_jit() -> None:
    """PostgreSQL's JIT compiles a plan whose estimated cost passes ``jit_above_cost`` (a
    year's scans at city400k) and the compilation takes longer than the scan: off for the
    report's transaction (``SET LOCAL``; the server default is untouched)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL jit = off")


def missing_metrics() -> list[str]:
    """Metric keys the current template needs and nobody registered (for the 点検 view)."""
    return sorted({c.metric for c in TEMPLATE_2024
                   if not c.manual and _metric_for(c) not in metrics.METRICS})
