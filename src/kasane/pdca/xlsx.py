"""The report as one Excel workbook (openpyxl), spec/reporting.md A.7: sheets 凡例,
{plan}_総括表, {plan}_進捗管理シート, {plan}_意見; A4 landscape, 1 page wide, header rows as
print titles, merged cells and the paginator's manual page breaks."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from . import paginate as pg
from .pdf import FLOW, header_groups

FONT = "游ゴシック"
THIN = Side(style="thin", color="333333")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="E4E9EE")
CONTEXT_FILL = PatternFill("solid", fgColor="F4F6F8")
GOAL_FILL = PatternFill("solid", fgColor="DFE6EC")
GRADED_FILL = PatternFill("solid", fgColor="FBFAF1")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOP_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")


def _setup(ws: Worksheet, title_rows: str | None = None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.47
    ws.page_margins.top = ws.page_margins.bottom = 0.55
    ws.oddFooter.center.text = "&P / &N"
    if title_rows:
        ws.print_title_rows = title_rows


def _cell(ws: Worksheet, row: int, col: int, value: Any, *, bold: bool = False,
          fill: PatternFill | None = None, align: Alignment = WRAP, size: int = 9) -> None:
    c = ws.cell(row=row, column=col, value=value if value != "" else None)
    c.font = Font(name=FONT, size=size, bold=bold)
    c.alignment = align
    c.border = BORDER
    if fill is not None:
        c.fill = fill


def _box(ws: Worksheet, row: int, first: int, last: int, value: Any, **kw: Any) -> None:
    for col in range(first, last + 1):
        _cell(ws, row, col, value if col == first else "", **kw)
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _sheet_name(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, "")
    return name[:31]


def legend_sheet(wb: Workbook, report: dict[str, Any]) -> None:
    ws = wb.active
    ws.title = "凡例"
    _setup(ws)
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 80
    ws.cell(row=1, column=1, value=report["title"]).font = Font(name=FONT, size=14, bold=True)
    ws.cell(row=2, column=1, value=f"{report['fy_label']}（{report['fiscal_year']}年度）"
            f"{'　第' + str(report['edition']) + '版' if report.get('edition') else '　（案）'}"
            ).font = Font(name=FONT, size=10)
    r = 4
    ws.cell(row=r, column=1, value="評価基準").font = Font(name=FONT, size=11, bold=True)
    r += 1
    for col, head in enumerate(("評価", "進捗状況", "基準（年次目標の達成割合）"), start=1):
        _cell(ws, r, col, head, bold=True, fill=HEAD_FILL, align=CENTER)
    for s in report["scale"]:
        r += 1
        _cell(ws, r, 1, s["grade"], bold=True, align=CENTER)
        _cell(ws, r, 2, s["label"])
        _cell(ws, r, 3, s["criterion"])
    r += 2
    ws.cell(row=r, column=1, value="担当課（複数の課が担当する欄はこの順に記載）").font = \
        Font(name=FONT, size=11, bold=True)
    for u in report["units"]:
        r += 1
        _cell(ws, r, 1, u["code"], bold=True, align=CENTER)
        _cell(ws, r, 2, u["name"])
    r += 2
    ws.cell(row=r, column=1, value="進捗管理の流れ").font = Font(name=FONT, size=11, bold=True)
    for step in FLOW:
        r += 1
        _cell(ws, r, 1, step[3])
        _cell(ws, r, 2, step[0])
        _cell(ws, r, 3, f"{step[1]}：{step[2]}")


def summary_sheet(wb: Workbook, report: dict[str, Any], plan: dict[str, Any],
                  spans: dict[int, tuple[int, int]]) -> None:
    ws = wb.create_sheet(_sheet_name(f"{plan['short_name']}_総括表"))
    _setup(ws)
    for letter, width in zip("ABCD", (70, 8, 14, 40), strict=True):
        ws.column_dimensions[letter].width = width
    ws.cell(row=1, column=1, value=f"{plan['name']}　進捗管理 {report['fy_label']}報告書　"
            "評価総括表").font = Font(name=FONT, size=12, bold=True)
    ws.cell(row=2, column=1, value="該当する頁は「進捗管理シート」の頁です。").font = \
        Font(name=FONT, size=8)
    heads = ("施策の進捗状況", "件数", "該当する頁", "該当する施策")
    for col, head in enumerate(heads, start=1):
        _cell(ws, 3, col, head, bold=True, fill=HEAD_FILL, align=CENTER)
    graded = plan["graded"]
    r = 3
    groups = [(s["criterion"], s["grade"]) for s in plan["summary"]]
    if plan.get("excluded"):
        groups.append(("評価対象外（目標のない施策）", None))
    for criterion, grade in groups:
        items = [g for g in graded if g["final"] == grade]
        r += 1
        pages = []
        for g in items:
            first, last = spans.get(g["node_id"], (0, 0))
            pages.append(f"{first}～{last}" if last != first else str(first))
        _cell(ws, r, 1, criterion)
        _cell(ws, r, 2, len(items), align=TOP_CENTER)
        _cell(ws, r, 3, "\n".join(pages), align=TOP_CENTER)
        _cell(ws, r, 4, "\n".join(g["ref"] for g in items))
        ws.row_dimensions[r].height = max(1, len(items)) * 13 + 4
    r += 1
    _cell(ws, r, 1, "合　計", bold=True)
    _cell(ws, r, 2, plan["total"], bold=True, align=TOP_CENTER)
    _cell(ws, r, 3, "")
    _cell(ws, r, 4, "")
    for g in graded:
        if g["overridden"]:
            r += 2
            ws.cell(row=r, column=1, value=f"※ {g['ref']}：委員会の審議により評価を変更（算定 "
                    f"{g['computed'] or '—'} → {g['final']}）。{g['override_reason']}").font = \
                Font(name=FONT, size=8)


def progress_sheet(wb: Workbook, report: dict[str, Any], plan: dict[str, Any],
                   pages: list[list[dict[str, Any]]],
                   pair_pages: dict[str, tuple[str, int]] | None = None) -> None:
    pair_pages = pair_pages or {}
    ws = wb.create_sheet(_sheet_name(f"{plan['short_name']}_進捗管理シート"))
    levels = plan["level_columns"]
    L = len(levels)  # noqa: N806
    widths = pg.column_widths(L)
    order = ["level"] * L + ["plan", "units", "pages", "indicator", "do", "check", "act"]
    for i, key in enumerate(order, start=1):
        ws.column_dimensions[get_column_letter(i)].width = round(widths[key] / 1.9, 1)
    last_col = len(order)
    col_do, col_check, col_act = L + 5, L + 6, L + 7
    _setup(ws, "1:2")
    # Two header rows, merged like the printed sheet.
    col = 1
    for g in header_groups(levels):
        if g["grouped"]:
            _box(ws, 1, col, col + g["span"] - 1, g["label"], bold=True, fill=HEAD_FILL,
                 align=CENTER, size=8)
            for k, sub in enumerate(g["subs"]):
                _cell(ws, 2, col + k, sub, bold=True, fill=HEAD_FILL, align=CENTER, size=8)
        else:
            _cell(ws, 1, col, g["label"], bold=True, fill=HEAD_FILL, align=CENTER, size=8)
            _cell(ws, 2, col, "", fill=HEAD_FILL)
            ws.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
        col += g["span"]
    heads = [plan["plan_header"], "担当課", "頁", "指標", "Do（実行）", "Check（評価）",
             "Act（事業を実施するに当たっての課題及び改善点）"]
    for k, head in enumerate(heads):
        c = L + 1 + k
        _cell(ws, 1, c, head, bold=True, fill=HEAD_FILL, align=CENTER, size=8)
        _cell(ws, 2, c, "", fill=HEAD_FILL)
        ws.merge_cells(start_row=1, start_column=c, end_row=2, end_column=c)
    ws.row_dimensions[1].height = 18
    ws.row_dimensions[2].height = 18
    r = 2
    for page_no, page in enumerate(pages):
        if page_no:
            ws.row_breaks.append(Break(id=r))
        for item in page:
            row = item["row"]
            if item["type"] in ("context", "graded"):
                r += 1
                d = min(row["depth"], L)
                fill = GRADED_FILL if item["type"] == "graded" else (
                    GOAL_FILL if row["depth"] == 1 else CONTEXT_FILL)
                for c in range(1, d):
                    _cell(ws, r, c, "", fill=fill)
                _cell(ws, r, d, row["label"], bold=True, fill=fill, align=TOP_CENTER)
                title = f"{row['marker']}{row['title']}"
                if item["type"] == "graded":
                    _box(ws, r, d + 1, col_do, title, bold=True, fill=fill)
                    grade = row["grade"] + ("※" if row.get("overridden") else "") + \
                        ("(再掲)" if item.get("repeat") else "")
                    _cell(ws, r, col_check, grade, bold=True, fill=fill, align=CENTER, size=11)
                    _cell(ws, r, col_act, "", fill=fill)
                else:
                    _box(ws, r, d + 1, last_col, title, bold=True, fill=fill)
                ws.row_dimensions[r].height = pg.context_mm(row, widths, L) * 2.835
                continue
            first = r + 1
            pairs = item["pairs"]
            for k, pair in enumerate(pairs):
                r += 1
                prefix = f"（{pair['unit']}）" if pair.get("unit") else ""
                if row.get("repost_reference"):
                    _box(ws, r, col_do, col_act, _reference_text(row, pair_pages))
                else:
                    _cell(ws, r, col_do, prefix + pair["do"] if pair["do"] else "")
                    _cell(ws, r, col_check, "")
                    _cell(ws, r, col_act, prefix + pair["act"] if pair["act"] else "")
                ws.row_dimensions[r].height = max(
                    pg.pair_mm(pair, widths),
                    pg.business_cells_mm(row, widths) if k == 0 and len(pairs) == 1 else 0
                ) * 2.835
            text = (f"{row['label']} " if row["depth"] > L else "") + row["marker"] + row["title"]
            if row.get("repost_of"):
                text += f"（再掲{'：' + row['repost_plan'] if row['repost_plan'] else ''}）"
            if item.get("continued"):
                text += "（続き）"
            indicator = row["indicator"] + (f"\n{row['indicator_figure']}"
                                            if row.get("indicator_figure") else "")
            cells = [""] * L
            if row["depth"] <= L:
                cells[row["depth"] - 1] = row["label"]
            values = [*cells, text, "\n".join(row["units"]), "\n".join(row["pages"]), indicator]
            for c, value in enumerate(values, start=1):
                align = TOP_CENTER if c <= L or c in (L + 2, L + 3) else WRAP
                _cell(ws, first, c, value, align=align)
                for rr in range(first + 1, r + 1):
                    _cell(ws, rr, c, "")
                if r > first:
                    ws.merge_cells(start_row=first, start_column=c, end_row=r, end_column=c)
    ws.freeze_panes = "A3"


def opinion_sheet(wb: Workbook, report: dict[str, Any], plan: dict[str, Any]) -> None:
    ws = wb.create_sheet(_sheet_name(f"{plan['short_name']}_意見"))
    _setup(ws, "2:2")
    levels = plan["level_columns"]
    ws.cell(row=1, column=1, value=f"{plan['name']}　委員会からの意見（{report['fy_label']}）"
            ).font = Font(name=FONT, size=12, bold=True)
    for i, lv in enumerate(levels, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 7
        _cell(ws, 2, i, lv["label"], bold=True, fill=HEAD_FILL, align=CENTER)
    text_col = len(levels) + 1
    ws.column_dimensions[get_column_letter(text_col)].width = 110
    _cell(ws, 2, text_col, "委員会からの意見", bold=True, fill=HEAD_FILL, align=CENTER)
    r = 2
    for row in plan["opinions"]:
        r += 1
        for i, lv in enumerate(levels, start=1):
            _cell(ws, r, i, row["label"] if lv["depth"] == row["depth"] else "",
                  align=TOP_CENTER, fill=None if row["opinions"] else CONTEXT_FILL)
        bullets = [b for o in row["opinions"] for b in o["bullets"]]
        text = row["marker"] + row["title"] + (
            "\n" + "\n".join(f"・{b}" for b in bullets) if bullets else "")
        _cell(ws, r, text_col, text, bold=not bullets,
              fill=None if bullets else CONTEXT_FILL)
        ws.row_dimensions[r].height = (1 + len(bullets)) * 13 + 4
    if not plan["opinions"]:
        ws.cell(row=3, column=1, value="意見はありませんでした。")


def _reference_text(row: dict[str, Any], pair_pages: dict[str, tuple[str, int]]) -> str:
    """「詳細はP.13参照」 (the sheet page of the cited Do/Act pair; another plan's sheet is
    named), or the old wording when the page is unknown (e.g. a frozen old edition)."""
    found = pair_pages.get(row.get("repost_anchor", ""))
    if found is None:
        return f"詳細は{row['repost_plan'] or '本計画'}の元の事業（再掲元）を参照"
    sheet, page = found
    where = f"「{sheet}」の" if row.get("repost_plan") else ""
    return f"詳細は{where}P.{page}参照"


def anchor_pages(plan: dict[str, Any], pages: list[list[dict[str, Any]]]
                 ) -> dict[str, tuple[str, int]]:
    """{pair or business anchor: (sheet name, 1-based sheet page)} of a plan's sheet."""
    sheet = _sheet_name(f"{plan['short_name']}_進捗管理シート")
    out: dict[str, tuple[str, int]] = {}
    for number, page in enumerate(pages, start=1):
        for item in page:
            if item["type"] != "business" or item["row"].get("repost_of"):
                continue
            if not item.get("continued"):
                out.setdefault(item["row"]["anchor"], (sheet, number))
            for pair in item["pairs"]:
                if pair.get("anchor"):
                    out.setdefault(pair["anchor"], (sheet, number))
    return out


def render_xlsx(report: dict[str, Any]) -> bytes:
    wb = Workbook()
    legend_sheet(wb, report)
    paginated = [(plan, pg.paginate(plan)) for plan in report["plans"]]
    pair_pages: dict[str, tuple[str, int]] = {}
    for plan, pages in paginated:
        pair_pages.update(anchor_pages(plan, pages))
    for plan, pages in paginated:
        summary_sheet(wb, report, plan, pg.pages_of_graded(pages))
        progress_sheet(wb, report, plan, pages, pair_pages)
        opinion_sheet(wb, report, plan)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
