"""The printed report: A4-landscape PDF (WeasyPrint, Noto Sans CJK JP), spec/reporting.md A.7.

Page numbers in the 目次, the 評価総括表 and "詳細はP.n参照" are resolved by WeasyPrint's own
layout passes (``target-counter``); page breaks inside the 進捗管理シート come from
``kasane.pdca.paginate`` — the same breaks the Excel workbook uses.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from kasane.core.pdf import html_to_pdf

from . import paginate as pg

FLOW = [
    ("準備", "事務局", "当該年度の年次目標の確定、担当課の割当て", "3月（年度末）"),
    ("担当課自己評価", "担当課", "Do・Actの記入、年次目標の実績の入力", "4月～5月"),
    ("事務局確認", "事務局", "記入内容の確認、評価の算定、報告書（案）の作成", "5月"),
    ("委員会①（審議）", "委員・事務局", "報告書（案）の審議、意見の聴取", "5月～6月"),
    ("修正", "担当課・事務局", "意見等を踏まえた修正（変更は履歴に記録）", "6月"),
    ("委員会②（確定）", "委員・事務局", "報告書（案）の確定（評価・意見の確定）", "7月"),
    ("庁議①②", "事務局", "庁内での報告・承認", "8月～9月"),
    ("公表", "事務局", "報告書の公表（ホームページ掲載）", "9月～10月"),
]


def header_groups(level_columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for col in level_columns:
        if col["group"] and groups and groups[-1]["grouped"] and groups[-1]["label"] == col["group"]:
            groups[-1]["span"] += 1
            groups[-1]["subs"].append(col["label"])
        elif col["group"]:
            groups.append({"label": col["group"], "grouped": True, "span": 1,
                           "subs": [col["label"]]})
        else:
            groups.append({"label": col["label"], "grouped": False, "span": 1, "subs": []})
    return groups


def layout(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each plan of the report with its pages, widths and 評価総括表 rows (page anchors)."""
    plans = []
    for plan in report["plans"]:
        pages = pg.paginate(plan)
        spans = pg.pages_of_graded(pages)
        graded = {g["node_id"]: g for g in plan["graded"]}
        rows = []
        for s in plan["summary"]:
            items = [{"ref": g["ref"], "anchor": g["anchor"],
                      "first_page": spans.get(g["node_id"], (0, 0))[0],
                      "last_page": spans.get(g["node_id"], (0, 0))[1],
                      "last": spans.get(g["node_id"], (0, 0))[0] != spans.get(g["node_id"], (0, 0))[1]}
                     for g in graded.values() if g["final"] == s["grade"]]
            rows.append(dict(s, items=items))
        if plan.get("excluded"):
            items = [{"ref": g["ref"], "anchor": g["anchor"], "last": False,
                      "first_page": spans.get(g["node_id"], (0, 0))[0], "last_page": 0}
                     for g in graded.values() if g["final"] is None]
            rows.append({"grade": "", "criterion": "評価対象外（目標のない施策）",
                         "count": len(items), "items": items})
        level_count = len(plan["level_columns"])
        plans.append(dict(plan, pages=pages, L=level_count, widths=pg.column_widths(level_count),
                          header_groups=header_groups(plan["level_columns"]),
                          summary_rows=rows,
                          overrides=[g for g in plan["graded"] if g["overridden"]]))
    return plans


def scales(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The distinct grade scales of the report's plans (one table each, naming the plans
    when they differ); a report frozen before per-plan scales uses its own ``scale``."""
    out: list[dict[str, Any]] = []
    for plan in report["plans"]:
        rows = plan.get("scale") or report["scale"]
        same = next((s for s in out if s["rows"] == rows), None)
        if same is None:
            out.append({"rows": rows, "plans": [plan["name"]]})
        else:
            same["plans"].append(plan["name"])
    return out or [{"rows": report["scale"], "plans": []}]


def render_html(report: dict[str, Any]) -> str:
    return render_to_string("pdca/report.pdf.html", {
        "report": report, "plans": layout(report), "scales": scales(report),
        "flow": report.get("timeline") or FLOW})


def render_pdf(report: dict[str, Any]) -> bytes:
    return html_to_pdf(render_html(report), base_url=".")
