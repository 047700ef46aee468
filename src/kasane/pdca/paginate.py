"""One paginator decides the page breaks of the 進捗管理シート for both the PDF and the Excel
workbook (spec/reporting.md A.3).

Rows are measured in millimetres from the column widths below (A4 landscape, 12 mm margins,
8 pt text). A Do/Act pair never splits; a context or graded row is kept with the first row
that follows it; on every new page the context rows (基本目標, 大 …, graded row) of the next
row are printed again, the graded row's grade as "A(再掲)".
"""

from __future__ import annotations

import math
from typing import Any

PAGE_BODY_MM = 156.0  # 186 mm inside the margins − caption − two header rows − safety
FONT_MM = 8 * 0.3528  # one full-width character at 8 pt
LINE_MM = FONT_MM * 1.45
PAD_MM = 2.2
EMPTY_PAIR: dict[str, Any] = {"id": None, "unit": "", "do": "", "act": ""}


def column_widths(level_count: int) -> dict[str, float]:
    """Column widths in mm (total 273 mm = A4 landscape minus 2 × 12 mm)."""
    widths = {"level": 8.5, "plan": 50.0, "units": 9.0, "pages": 10.0, "indicator": 30.0,
              "do": 64.0, "check": 13.0}
    used = widths["level"] * level_count + sum(v for k, v in widths.items() if k != "level")
    widths["act"] = round(273.0 - used, 1)
    return widths


def text_lines(text: str, width_mm: float) -> int:
    chars = max(1.0, (width_mm - 2.4) / FONT_MM)
    lines = 0
    for para in (text or "").splitlines() or [""]:
        w = sum(1.0 if ord(c) > 0x2E7F else 0.55 for c in para)
        lines += max(1, math.ceil(w / chars))
    return lines


def _mm(lines: int) -> float:
    return lines * LINE_MM + PAD_MM


def business_cells_mm(row: dict[str, Any], widths: dict[str, float]) -> float:
    plan_text = f"{row['label']} {row['marker']}{row['title']}"
    if row.get("repost_of"):
        plan_text += "（再掲）詳細はP.00参照"
    return _mm(max(text_lines(plan_text, widths["plan"]),
                   len(row["units"]) or 1, len(row["pages"]) or 1,
                   text_lines(row["indicator"] + "\n" + row.get("indicator_figure", ""),
                              widths["indicator"]) if row.get("indicator_figure")
                   else text_lines(row["indicator"], widths["indicator"])))


def pair_mm(pair: dict[str, Any], widths: dict[str, float]) -> float:
    prefix = f"（{pair['unit']}）" if pair.get("unit") else ""
    return _mm(max(text_lines(prefix + pair["do"], widths["do"]),
                   text_lines(prefix + pair["act"], widths["act"])))


def context_mm(row: dict[str, Any], widths: dict[str, float], level_count: int) -> float:
    span = sum(widths.values()) - widths["level"] * min(row["depth"], level_count)
    if row["kind"] == "graded":
        span -= widths["check"] + widths["act"]
    return _mm(text_lines(f"{row['marker']}{row['title']}", span))


def paginate(plan: dict[str, Any], body_mm: float = PAGE_BODY_MM) -> list[list[dict[str, Any]]]:
    """Pages of print items: {"type": context|graded|business, "row", "repeat", and for
    business "pairs" (those printed on this page) and "continued"}."""
    level_count = len(plan["level_columns"])
    widths = column_widths(level_count)
    rows = plan["rows"]
    by_id = {r["node_id"]: r for r in rows}
    pages: list[list[dict[str, Any]]] = [[]]
    used = 0.0

    def height(item: dict[str, Any]) -> float:
        row = item["row"]
        if item["type"] != "business":
            return context_mm(row, widths, level_count)
        pairs = item["pairs"]
        cells = business_cells_mm(row, widths)
        return max(cells, sum(pair_mm(p, widths) for p in pairs) if pairs else _mm(1))

    def new_page(row: dict[str, Any]) -> None:
        nonlocal used
        pages.append([])
        used = 0.0
        for anc_id in row["ancestors"]:
            anc = by_id.get(anc_id)
            if anc is None:
                continue
            item = {"type": anc["kind"], "row": anc, "repeat": True}
            pages[-1].append(item)
            used += height(item)

    def place(item: dict[str, Any], keep_with: float = 0.0) -> None:
        nonlocal used
        h = height(item)
        if pages[-1] and used + h + keep_with > body_mm and \
                any(not i.get("repeat") for i in pages[-1]):
            new_page(item["row"])
        pages[-1].append(item)
        used += h

    per_section = bool(plan.get("page_per_section"))
    for index, row in enumerate(rows):
        if per_section and row["kind"] in ("context", "graded") and row.get("graded_id") is None \
                and any(i["type"] in ("graded", "business") and not i.get("repeat")
                        for i in pages[-1]):
            new_page(row)  # 施策ごとに改頁: a new 施策 (or its 大/基本目標) starts a page
        if row["kind"] in ("context", "graded"):
            nxt = rows[index + 1] if index + 1 < len(rows) else None
            keep = 0.0
            if nxt is not None:
                first = {"type": nxt["kind"], "row": nxt, "pairs": nxt.get("pairs", [])[:1]}
                keep = height(first)
            place({"type": row["kind"], "row": row, "repeat": False}, keep)
            continue
        pairs = row["pairs"] or [EMPTY_PAIR]
        if row.get("repost_reference"):
            pairs = [EMPTY_PAIR]
        current: dict[str, Any] | None = None
        for pair in pairs:
            if current is not None:
                extra = pair_mm(pair, widths)
                grown = max(business_cells_mm(row, widths),
                            sum(pair_mm(p, widths) for p in current["pairs"]) + extra)
                if used - height(current) + grown <= body_mm:
                    used += grown - height(current)
                    current["pairs"].append(pair)
                    continue
            current = {"type": "business", "row": row, "pairs": [pair], "repeat": False,
                       "continued": current is not None}
            place(current)
    if not pages[-1]:
        pages.pop()
    _annotate(pages, level_count)
    return pages


def _annotate(pages: list[list[dict[str, Any]]], level_count: int) -> None:
    """Title colspans, and the last page on which a continued graded node appears."""
    total = level_count + 7
    last: dict[int, dict[str, Any]] = {}
    for page in pages:
        for item in page:
            row = item["row"]
            if item["type"] in ("context", "graded"):
                used = min(row["depth"], level_count) + (2 if item["type"] == "graded" else 0)
                item["span"] = total - used
            if item["type"] == "graded":
                last[row["node_id"]] = item
    for item in last.values():
        item["last"] = bool(item.get("repeat"))


def pages_of_graded(pages: list[list[dict[str, Any]]]) -> dict[int, tuple[int, int]]:
    """Sheet pages (first, last) on which each graded node is printed (1-based)."""
    spans: dict[int, tuple[int, int]] = {}
    for number, page in enumerate(pages, start=1):
        for item in page:
            if item["type"] == "graded":
                first = spans.get(item["row"]["node_id"], (number, number))[0]
                spans[item["row"]["node_id"]] = (first, number)
    return spans


