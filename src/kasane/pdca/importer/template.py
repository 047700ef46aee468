"""The import template: one workbook = one report, with a small example of two plans that
cross-list each other, Do/Act per 担当課, Check, committee opinions and a new 担当課."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from .parse import (
    CHECK_COLUMNS,
    LEVEL_COLUMNS,
    NODE_COLUMNS,
    OPINION_COLUMNS,
    PAIR_COLUMNS,
    PLAN_COL,
    PLAN_FIELDS,
    TARGET_COLUMNS,
    UNIT_COLUMNS,
)

PLANS: list[list[Any]] = [
    ["重ね市第3次地域福祉計画", "地域福祉計画", "地域福祉計画", "", "2028", "2032", "3", "すべて",
     "累積"],
    ["重ね市重層的支援体制整備事業実施計画", "重層計画", "重層的支援体制整備事業実施計画",
     "重ね市第3次地域福祉計画", "2028", "2030", "1", "すべて", "累積"],
]
LEVELS: list[list[Any]] = [["地域福祉計画", 1, "基本目標", "1", "", "○"], ["地域福祉計画", 2, "大", "(1)", "施策", "○"],
          ["地域福祉計画", 3, "小", "①", "施策", "○"], ["地域福祉計画", 4, "事業", "a", "", "×"],
          ["重層計画", 1, "大", "1", "", "○"], ["重層計画", 2, "中", "(1)", "", "○"],
          ["重層計画", 3, "事業", "①", "", "○"]]
NODES: list[list[Any]] = [
    ["地域福祉計画", "1", "", 1, 1, "地域でつながり、支え合うまち", "", "", "", "", "", "", "", ""],
    ["地域福祉計画", "1-1", "1", 2, 1, "地域の担い手を育てます", "", "", "", "", "", "", "", ""],
    ["地域福祉計画", "1-1-1", "1-1", 3, 1, "福祉の担い手育成を進めます", "拡充", "○", "", "", "",
     "", "", ""],
    ["地域福祉計画", "1-1-1-a", "1-1-1", 4, 1, "福祉カレッジの開催", "拡充", "", "○", "共 高", "24",
     "開催回数", "", ""],
    ["地域福祉計画", "1-1-1-b", "1-1-1", 4, 2, "", "", "", "○", "共", "31", "", "",
     "重層計画:1-1-1"],
    ["重層計画", "1", "", 1, 1, "参加支援事業の実施", "", "", "", "", "", "", "", ""],
    ["重層計画", "1-1", "1", 2, 1, "", "", "", "", "", "", "", "", ""],
    ["重層計画", "1-1-1", "1-1", 3, 1, "社会参加の場づくり", "新規", "", "○", "福", "12", "",
     "", ""],
    ["重層計画", "1-1-2", "1-1", 3, 2, "", "", "", "○", "高", "40", "", "",
     "地域福祉計画:1-1-1-a"],
]
TARGETS: list[list[Any]] = [
    ["地域福祉計画", "1-1-1-a", "2028", "年4回開催", "数値", 4, "回", "以上", "", "", ""],
    ["地域福祉計画", "1-1-1-a", "令和11", "修了者の活動先の紹介", "達成", "", "", "", "", "", ""],
    ["重層計画", "1-1-1", "2028", "参加の場を2か所開設", "数値", 2, "か所", "以上", "", "", ""],
]
UNITS: list[list[Any]] = [["共", "共生推進課", 1], ["高", "高齢福祉課", 2], ["福", "福祉総務課", 7]]
PAIRS: list[list[Any]] = [
    ["地域福祉計画", "1-1-1-a", "2028", "共", "福祉カレッジを4回開催した。", "若い世代の参加が少ない。"],
    ["地域福祉計画", "1-1-1-a", "2028", "高", "介護予防の講座を加えた。", "講師の確保。"],
    ["重層計画", "1-1-1", "2028", "", "農園と商店の2か所で受入れを始めた。", "受入れ先の開拓を続ける。"],
]
CHECKS: list[list[Any]] = [["地域福祉計画", "1-1-1", "2028", "目標の半数を達成した。"]]
OPINIONS: list[list[Any]] = [["地域福祉計画", "1-1-1", "2028", "若い世代の参加を増やしてほしい。",
             "令和10年度第1回委員会", ""]]
SHEETS: list[tuple[str, list[str], list[list[Any]]]] = [
    ("計画", PLAN_FIELDS, PLANS),
    ("担当課", UNIT_COLUMNS, UNITS),
    ("階層", [PLAN_COL, *LEVEL_COLUMNS], LEVELS),
    ("施策・事業", [PLAN_COL, *NODE_COLUMNS], NODES),
    ("年次目標", [PLAN_COL, *TARGET_COLUMNS], TARGETS),
    ("Do・Act", [PLAN_COL, *PAIR_COLUMNS], PAIRS),
    ("Check", [PLAN_COL, *CHECK_COLUMNS], CHECKS),
    ("委員会意見", [PLAN_COL, *OPINION_COLUMNS], OPINIONS),
]


def template_workbook() -> bytes:
    """The import template (docs/pdca.md explains every sheet and column)."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for title, columns, rows in SHEETS:
        ws = wb.create_sheet(title)
        ws.append(columns)
        for row in rows:
            ws.append(row)
        for i in range(1, len(columns) + 1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = 16
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
