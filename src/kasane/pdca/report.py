"""Builds one 年度's report as plain JSON-able data (the same dict feeds the web page, the PDF,
the Excel workbook, the API and the frozen edition).

Rows follow spec/reporting.md A.3: context rows (基本目標, 大…), the graded row (with its
grade), business rows (letter, text, 担当課, 頁, 指標, Do/Act pairs). Grades follow A.2.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from kasane.accounts.models import Unit
from kasane.core import metrics
from kasane.core.metrics import Figure
from kasane.core.numbers import format_measure, format_number
from kasane.core.replica import using_replica
from kasane.core.wareki import fiscal_year_label

from . import binding, grading
from .models import (
    AnnualTarget,
    CommitteeOpinion,
    Evaluation,
    Numbering,
    PdcaCycle,
    Plan,
    PlanKind,
    PlanLevel,
    PlanNode,
    ProgressPair,
    SheetScope,
    TargetKind,
)

FULL_DASH = "－"
KATAKANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"


def number_label(style: str, n: int) -> str:
    if style == Numbering.PAREN:
        return f"({n})"
    if style == Numbering.CIRCLED:
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"
    if style == Numbering.LATIN:
        return chr(ord("a") + n - 1) if 1 <= n <= 26 else str(n)
    if style == Numbering.KATAKANA:
        return KATAKANA[n - 1] if 1 <= n <= len(KATAKANA) else str(n)
    return str(n)


def parse_pages(text: str) -> list[str]:
    """"14-15 12" → ["12", "14-15"] (ascending by first page)."""
    parts = [p for p in text.replace("、", " ").replace(",", " ").split() if p]

    def key(p: str) -> int:
        head = p.split("-")[0].split("～")[0]
        return int(head) if head.isdigit() else 0

    return sorted(parts, key=key)


def _fmt_number(value: Any) -> str:
    """「4」 for 4.00, 「4.5」, 「1,200」 (docs/ui.md「数」)."""
    return format_number(value)


def _metric_text(key: str, value: Any) -> str:
    """A live statistic in its unit, a rate with one decimal (「50.0%」)."""
    if value is None:
        return ""
    if key not in metrics.METRICS:
        return format_number(value)
    return format_measure(value, metrics.METRICS.one(key).unit)


class _Tree:
    def __init__(self, plan: Plan, *, units: bool = True) -> None:
        """``units``: prefetch each node's 担当課 (and its source's), which the report prints;
        the scope rule does not need them."""
        self.plan = plan
        query = plan.nodes.select_related("repost_of__plan")
        nodes = list(query.prefetch_related("units", "repost_of__units") if units else query)
        self.by_id = {n.pk: n for n in nodes}
        self.children: dict[int | None, list[PlanNode]] = defaultdict(list)
        for n in nodes:
            self.children[n.parent_id].append(n)
        for kids in self.children.values():
            kids.sort(key=lambda n: (n.order, n.number, n.pk))

    @cached_property
    def levels(self) -> dict[int, PlanLevel]:
        """The plan's levels by depth (read when a label is first asked for)."""
        return {lv.depth: lv for lv in self.plan.levels.all()}

    def preorder(self, parent: int | None = None) -> Iterable[PlanNode]:
        for node in self.children.get(parent, []):
            yield node
            yield from self.preorder(node.pk)

    def label(self, node: PlanNode) -> str:
        level = self.levels.get(node.depth)
        return number_label(level.numbering if level else "arabic", node.number)

    def ancestors(self, node: PlanNode) -> list[PlanNode]:
        chain = []
        cur = self.by_id.get(node.parent_id) if node.parent_id else None
        while cur is not None:
            chain.append(cur)
            cur = self.by_id.get(cur.parent_id) if cur.parent_id else None
        return list(reversed(chain))

    def businesses_under(self, node: PlanNode) -> list[PlanNode]:
        return [n for n in self.preorder(node.pk) if n.is_business]


def _sorted_units(units: Iterable[Unit]) -> list[Unit]:
    return sorted(units, key=lambda u: (u.order, u.code))


def _in_scope(plan: Plan, tree: _Tree, graded: PlanNode) -> tuple[bool, set[int]]:
    """Whether a graded node is reported, and which of its businesses are."""
    businesses = tree.businesses_under(graded)
    if plan.sheet_scope != SheetScope.PRIORITY:
        return True, {b.pk for b in businesses}
    if not (graded.is_priority and graded.marker):
        return False, set()
    marked = {b.pk for b in businesses if (b.marker or b.source.marker)}
    return True, marked or {b.pk for b in businesses}


def _node_refs(tree: _Tree, graded_nodes: list[PlanNode]) -> dict[int, str]:
    """評価総括表 ids: 2－(1)－①, or 2－(1) when ① is the only graded node of its parent in the
    report; for a plan graded at the top level "3 参加支援事業の実施"."""
    per_parent: dict[int | None, int] = defaultdict(int)
    for node in graded_nodes:
        per_parent[node.parent_id] += 1
    refs = {}
    for node in graded_nodes:
        if node.depth == 1:
            refs[node.pk] = f"{tree.label(node)} {node.title}"
            continue
        parts = [tree.label(a) for a in tree.ancestors(node)]
        if per_parent[node.parent_id] > 1:
            parts.append(tree.label(node))
        refs[node.pk] = FULL_DASH.join(parts)
    return refs


def _cited_pair(pairs: list[ProgressPair], own_units: list[Unit]) -> ProgressPair | None:
    """The Do/Act pair a cross-listed row points at: the first pair of one of the row's own
    担当課, else the first pair (None when the source has no pair this 年度)."""
    own = {u.pk for u in own_units}
    return next((p for p in pairs if p.unit_id in own), None) or (pairs[0] if pairs else None)


def live_metric(node: PlanNode, municipality: Any, fiscal_year: int) -> Figure | None:
    """The registry figure for a business' bound indicator (or why it cannot be computed);
    None when no metric is bound."""
    key = node.source.indicator_metric
    if not key:
        return None
    return metrics.evaluate(key, municipality=municipality, fiscal_year=fiscal_year,
                            **(node.source.indicator_filters or {}))


def _reported(plan: Plan, tree: _Tree, nodes: list[PlanNode]
              ) -> tuple[list[PlanNode], dict[int, set[int]], set[int]]:
    """The plan's reported graded nodes, the businesses each reports (scope), and the ids of
    every node printed as a row: above, at and below a reported graded node."""
    graded_all = [n for n in nodes if n.depth == plan.graded_level and not n.is_business] or \
        [n for n in nodes if n.depth == plan.graded_level]
    scope: dict[int, set[int]] = {}
    graded_nodes = []
    for g in graded_all:
        included, businesses = _in_scope(plan, tree, g)
        if included:
            graded_nodes.append(g)
            scope[g.pk] = businesses
    included_ids: set[int] = set()
    for g in graded_nodes:
        included_ids.add(g.pk)
        included_ids.update(a.pk for a in tree.ancestors(g))
        for n in tree.preorder(g.pk):
            if n.is_business and n.pk not in scope[g.pk]:
                continue
            if not n.is_business and n.depth > g.depth and \
                    not any(b.pk in scope[g.pk] for b in tree.businesses_under(n)):
                continue
            included_ids.add(n.pk)
    return graded_nodes, scope, included_ids


def reported_businesses(plan: Plan) -> list[PlanNode]:
    """The plan's own businesses (not 再掲) printed as business rows of its report, in plan
    order — what ``build_plan`` lists, without building it (nor loading 担当課)."""
    tree = _Tree(plan, units=False)
    nodes = list(tree.preorder())
    graded_nodes, _, included_ids = _reported(plan, tree, nodes)
    graded = {g.pk for g in graded_nodes}
    return [n for n in nodes if n.pk in included_ids and n.pk not in graded
            and n.is_business and not n.repost_of_id]


@using_replica()  # a report: may read from a replica (docs/scaling.md)
def build_plan(plan: Plan, fiscal_year: int, *, live: bool = True) -> dict[str, Any]:
    tree = _Tree(plan)
    nodes = list(tree.preorder())
    sources = {n.source.pk for n in nodes if n.is_business}
    targets: dict[int, list[AnnualTarget]] = defaultdict(list)
    for t in AnnualTarget.objects.filter(business_id__in=sources, fiscal_year__lte=fiscal_year):
        targets[t.business_id].append(t)
    if live:  # bound targets follow their metric until the 年度 is published (binding.py)
        binding.apply_live([t for ts in targets.values() for t in ts],
                           {n.source.pk: n.source for n in nodes if n.is_business},
                           plan.municipality, fiscal_year)
    pairs: dict[int, list[ProgressPair]] = defaultdict(list)
    for p in ProgressPair.objects.filter(business_id__in=sources, fiscal_year=fiscal_year) \
            .select_related("unit"):
        pairs[p.business_id].append(p)
    evaluations = {e.node_id: e for e in Evaluation.objects.filter(
        node__plan=plan, fiscal_year=fiscal_year)}
    opinions: dict[int, list[CommitteeOpinion]] = defaultdict(list)
    for o in CommitteeOpinion.objects.filter(node__plan=plan, fiscal_year=fiscal_year):
        opinions[o.node_id].append(o)

    scale = plan.scale()
    graded_nodes, scope, included_ids = _reported(plan, tree, nodes)
    refs = _node_refs(tree, graded_nodes)

    def facts(business: PlanNode) -> list[grading.TargetFact]:
        return [grading.TargetFact(t.fiscal_year, t.withdrawn, t.achieved)
                for t in targets.get(business.source.pk, [])]

    graded_out: list[dict[str, Any]] = []
    grade_of: dict[int, dict[str, Any]] = {}
    for g in graded_nodes:
        counted_businesses = scope[g.pk] if plan.grade_over == "in_scope" else \
            {b.pk for b in tree.businesses_under(g)}
        all_facts = [f for b in tree.businesses_under(g) if b.pk in counted_businesses
                     for f in facts(b)]
        achieved, counted, open_ = grading.count_targets(
            all_facts, report_year=fiscal_year, plan_first_year=plan.first_year,
            window=plan.target_window)
        computed = grading.grade_for(achieved, counted, scale)
        ev = evaluations.get(g.pk)
        override = ev.override_grade if ev and ev.override_grade else ""
        final = override or computed
        item = {
            "node_id": g.pk, "code": g.code, "ref": refs[g.pk], "label": tree.label(g),
            "display_code": FULL_DASH.join([*(tree.label(a) for a in tree.ancestors(g)),
                                            tree.label(g)]),
            "title": g.title, "marker": g.marker_label, "achieved": achieved,
            "counted": counted, "open": open_, "percent": grading.percent_label(achieved, counted),
            "computed": computed, "override": override,
            "override_reason": ev.override_reason if ev and override else "",
            "final": final, "overridden": bool(override) and override != computed,
            "check_text": ev.check_text if ev else "", "anchor": f"g{g.pk}",
        }
        graded_out.append(item)
        grade_of[g.pk] = item

    # Rows in plan order: everything above/at/below reported graded nodes (included_ids).
    rows: list[dict[str, Any]] = []
    first_row_of: dict[int, int] = {}
    for n in nodes:
        if n.pk not in included_ids:
            continue
        ancestors = [a.pk for a in tree.ancestors(n)]
        graded_anc = next((a for a in ancestors if a in grade_of), None)
        row: dict[str, Any] = {"node_id": n.pk, "code": n.code, "depth": n.depth,
                               "label": tree.label(n), "title": n.display_title,
                               "marker": n.marker_label or n.source.marker_label,
                               "ancestors": ancestors, "graded_id": graded_anc}
        first_row_of.setdefault(n.pk, len(rows))
        if n.pk in grade_of:
            row.update(kind="graded", grade=grade_of[n.pk]["final"] or "—",
                       overridden=grade_of[n.pk]["overridden"], anchor=f"g{n.pk}")
        elif n.is_business:
            src = n.source
            src_units = _sorted_units(src.units.all())
            # a cross-listed row keeps its own 担当課 and 頁 when typed (else the source's)
            own_units = _sorted_units(n.units.all()) if n.repost_of_id else []
            units = own_units or src_units
            multi = len(src_units) > 1
            unit_order = {u.pk: u.order for u in src_units}
            pp = sorted(pairs.get(src.pk, []),
                        key=lambda p: (unit_order.get(p.unit_id or 0, 999), p.order, p.pk))
            cited = _cited_pair(pp, own_units) if n.repost_of_id else None
            year_targets = [t for t in targets.get(src.pk, []) if t.fiscal_year == fiscal_year]
            indicator = src.indicator_text or "—"
            figure = live_metric(n, plan.municipality, fiscal_year) if live else None
            metric_value = figure.value if figure is not None else None
            numeric = next((t for t in year_targets if t.kind == TargetKind.NUMERIC), None)
            indicator_figure = ""
            if src.indicator_metric and numeric is not None:
                actual = numeric.actual_value if numeric.actual_value is not None else metric_value
                indicator_figure = (f"目標 {_fmt_number(numeric.target_value)}{numeric.unit_label}"
                                    f" / 実績 {_fmt_number(actual) or '—'}{numeric.unit_label if actual is not None else ''}")
            row.update(
                kind="business", anchor=f"b{n.pk}", source_id=src.pk,
                repost_of=src.pk if n.repost_of_id else None,
                repost_anchor=(f"p{cited.pk}" if cited else f"b{src.pk}") if n.repost_of_id
                else "",
                repost_plan=src.plan.short_name if n.repost_of_id and src.plan_id != plan.pk else "",
                repost_reference=bool(n.repost_of_id) and plan.repost_display == "reference",
                units=[u.code for u in units], unit_ids=[u.pk for u in src_units],
                unit_names=[u.name for u in units],
                pages=parse_pages(n.plan_pages if n.repost_of_id and n.plan_pages
                                  else src.plan_pages), indicator=indicator,
                indicator_figure=indicator_figure, metric_key=src.indicator_metric,
                metric_value=_metric_text(src.indicator_metric, metric_value),
                metric_reason=figure.reason if figure is not None else "",
                pairs=[{"id": p.pk, "unit": p.unit.name if (multi and p.unit) else "",
                        "do": p.do_text, "act": p.act_text,
                        "anchor": "" if n.repost_of_id else f"p{p.pk}"} for p in pp],
                targets=[{
                    "id": t.pk, "fiscal_year": t.fiscal_year, "text": t.text, "kind": t.kind,
                    "target": _fmt_number(t.target_value), "unit": t.unit_label,
                    "actual": _fmt_number(t.actual_value), "achieved": t.achieved,
                    "source": t.result_source, "source_label": (
                        f"統計から（{src.indicator_metric}）"
                        if t.result_source == "metric" and src.indicator_metric else "手入力"),
                    "withdrawn": t.withdrawn, "withdrawn_reason": t.withdrawn_reason,
                    "in_window": grading.in_window(t.fiscal_year, report_year=fiscal_year,
                                                   plan_first_year=plan.first_year,
                                                   window=plan.target_window),
                } for t in sorted(targets.get(src.pk, []),
                                  key=lambda t: (t.fiscal_year, t.order, t.pk))],
            )
        else:
            row.update(kind="context", anchor=f"n{n.pk}")
        rows.append(row)

    # 評価総括表
    summary = []
    for grade, label, _ in scale:
        items = [g for g in graded_out if g["final"] == grade]
        summary.append({"grade": grade, "label": label,
                        "criterion": grading.criterion_text(grade, scale), "count": len(items),
                        "refs": [g["ref"] for g in items], "anchors": [g["anchor"] for g in items]})
    excluded = [g for g in graded_out if g["final"] is None]
    opinion_rows = _opinion_rows(tree, nodes, opinions)
    distinct = {n.source.pk for n in nodes if n.is_business and n.pk in included_ids}
    level_cols = [{"depth": d, "label": lv.label, "group": lv.header_group}
                  for d, lv in sorted(tree.levels.items()) if lv.printed_column]
    return {
        "id": plan.pk, "name": plan.name, "short_name": plan.short_name,
        "kind": plan.kind, "kind_label": PlanKind(plan.kind).label,
        "period": f"{fiscal_year_label(plan.first_year)}～{fiscal_year_label(plan.last_year)}",
        "window": plan.target_window, "window_label": plan.get_target_window_display(),
        "scope_label": plan.get_sheet_scope_display(),
        "override_footnote": plan.override_footnote,
        "section_heading": plan.section_heading, "page_per_section": plan.page_per_section,
        "print_meta_line": plan.print_meta_line,
        "scale": [{"grade": g, "label": label, "criterion": grading.criterion_text(g, scale),
                   "low": low} for g, label, low in scale],
        "level_columns": level_cols,
        "plan_header": (f"{plan.name if plan.kind == PlanKind.MULTILAYER else plan.short_name}"
                        " Plan（主な事業内容）"),
        "graded": graded_out, "rows": rows,
        "summary": summary,
        "excluded": {"count": len(excluded), "refs": [g["ref"] for g in excluded],
                     "anchors": [g["anchor"] for g in excluded]} if excluded else None,
        "total": len(graded_out), "opinions": opinion_rows,
        "totals": {"businesses": len(distinct),
                   "targets": sum(1 for s in distinct for t in targets.get(s, [])
                                  if t.fiscal_year == fiscal_year and not t.withdrawn)},
        "open_targets": [
            {"code": r["code"], "title": r["title"], "text": t["text"],
             "fiscal_year": t["fiscal_year"]}
            for r in rows if r["kind"] == "business" and not r["repost_of"]
            for t in r["targets"] if t["in_window"] and not t["withdrawn"] and t["achieved"] is None
        ],
    }


def _opinion_rows(tree: _Tree, nodes: list[PlanNode],
                  opinions: dict[int, list[CommitteeOpinion]]) -> list[dict[str, Any]]:
    """Context rows + opinion rows for the 意見シート (only nodes with opinions, plan order)."""
    out: list[dict[str, Any]] = []
    printed: set[int] = set()
    for n in nodes:
        if n.pk not in opinions:
            continue
        for a in [*tree.ancestors(n), n]:
            if a.pk in printed:
                continue
            printed.add(a.pk)
            own = opinions.get(a.pk, []) if a.pk == n.pk else []
            out.append({"node_id": a.pk, "depth": a.depth, "label": tree.label(a),
                        "title": a.display_title, "marker": a.marker_label,
                        "opinions": [{"id": o.pk, "bullets": o.bullets,
                                      "meeting": o.meeting_label,
                                      "response": o.response_next_year} for o in own]})
    return out


@using_replica()  # a report: may read from a replica (docs/scaling.md)
def build_report(cycle: PdcaCycle, *, live: bool = True) -> dict[str, Any]:
    municipality = cycle.municipality
    fy = cycle.fiscal_year
    plans = list(cycle.plans.order_by("order", "pk"))
    units = _sorted_units(Unit.objects.filter(municipality=municipality))
    title = cycle.report_title or f"{municipality.name} 進捗管理 {fiscal_year_label(fy)}報告書"
    return {
        "cycle_id": cycle.pk, "fiscal_year": fy, "fy_label": fiscal_year_label(fy),
        "municipality": municipality.name, "title": title,
        "committee_name": cycle.committee_name, "state": cycle.state,
        "state_label": cycle.get_state_display(),
        "units": [{"code": u.code, "name": u.name} for u in units],
        "scale": [{"grade": g, "label": label, "criterion": grading.criterion_text(g),
                   "low": low} for g, label, low in grading.DEFAULT_SCALE],
        "intro_paragraphs": [p.strip() for p in cycle.intro_text.split("\n\n") if p.strip()],
        "criteria_example": cycle.criteria_example.strip(),
        "timeline": [[c.strip() for c in (line.split("|") + ["", "", "", ""])[:4]]
                     for line in cycle.timeline_text.splitlines() if line.strip()],
        "colophon": {"published_month": cycle.published_month, "publisher": cycle.publisher,
                     "editor": cycle.editor, "number": cycle.publication_number},
        "plans": [build_plan(p, fy, live=live) for p in plans],
    }
