"""The national report as files, in the layout offices submit: one row per printed cell
(事業, 番号, 項目, 単位, 値, 備考), the 年度 in 和暦 with 西暦, the municipality and the overlap note.
CSV is UTF-8 with BOM (opens in Excel as is); Excel is an A4 portrait sheet fit to one page wide,
header row repeated on every page. A 確定 / 提出済み report prints its frozen values, said in the
note row (``export_kinds.national_file``)."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from kasane.core.wareki import fiscal_year_label

from .national import OVERLAP_NOTE

HEADER = ("事業", "番号", "項目", "単位", "値", "備考")


def title(municipality: Any, fy: int) -> str:
    return f"{municipality.prefecture}{municipality.name} 重層的支援体制整備事業 実績報告 " \
           f"{fiscal_year_label(fy)}（{fy}年度）"


def _remark(f: dict[str, Any]) -> str:
    if f.get("manual"):
        return f"手入力（{f.get('author', '')}）{f.get('note', '')}" if f["available"] \
            else f"未入力（{f['reason']}）"
    return "" if f["available"] else f"算出できません（{f['reason']}）"


def _rows(figures: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(f["section"], f["code"], f["label"], f["unit"],
             f["value"] if f["available"] else "", _remark(f)) for f in figures]


def _note(status_note: str) -> str:
    return f"{OVERLAP_NOTE} {status_note}" if status_note else OVERLAP_NOTE


def to_csv(municipality: Any, fy: int, figures: list[dict[str, Any]],
           status_note: str = "") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title(municipality, fy)])
    writer.writerow([_note(status_note)])
    writer.writerow(HEADER)
    writer.writerows(_rows(figures))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(municipality: Any, fy: int, figures: list[dict[str, Any]],
            status_note: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "国への報告"
    ws.append([title(municipality, fy)])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([_note(status_note)])
    ws.append(list(HEADER))
    thin = Side(style="thin", color="888888")
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
    for row in _rows(figures):
        ws.append(list(row))
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEF", (22, 16, 36, 6, 10, 40), strict=True):
        ws.column_dimensions[col].width = width
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
