"""A workbook in the first import format (one plan: 計画 as 項目/値, no 「計画」 column) still
imports: existing files keep working (issue 20)."""

import io

import pytest
from openpyxl import Workbook

from kasane.pdca.importer import plan_import
from kasane.pdca.models import Plan

SHEETS = [
    ("階層", ["順", "名称", "番号形式", "見出しのまとまり", "列として印刷"],
     [[1, "基本目標", "1", "", "○"], [2, "大", "(1)", "施策", "○"], [3, "小", "①", "施策", "○"],
      [4, "事業", "a", "", "×"]]),
    ("施策・事業", ["コード", "親コード", "階層", "番号", "名称", "区分", "重点", "事業", "担当課",
                 "頁", "指標", "統計キー", "再掲元コード"],
     [["1", "", 1, 1, "地域でつながり、支え合うまち", "", "", "", "", "", "", "", ""],
      ["1-1", "1", 2, 1, "地域の担い手を育てます", "", "", "", "", "", "", "", ""],
      ["1-1-1", "1-1", 3, 1, "福祉の担い手育成を進めます", "拡充", "○", "", "", "", "", "", ""],
      ["1-1-1-a", "1-1-1", 4, 1, "福祉カレッジの開催", "拡充", "", "○", "共", "24", "開催回数", "",
       ""],
      ["1-1-1-b", "1-1-1", 4, 2, "", "", "", "○", "", "", "", "", "1-1-1-a"]]),
    ("年次目標", ["事業コード", "年度", "目標", "種類", "目標値", "単位", "方向", "結果", "実績値",
              "取下げ理由"],
     [["1-1-1-a", "2028", "年4回開催", "数値", 4, "回", "以上", "", "", ""],
      ["1-1-1-a", "令和11", "修了者の活動先の紹介", "達成", "", "", "", "", "", ""]]),
]


def _legacy_book() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "計画"
    for r, (key, value) in enumerate([
            ("計画名", "重ね市第3次地域福祉計画"), ("略称", "地域福祉計画"), ("種別", "地域福祉計画"),
            ("上位計画", ""), ("初年度", "2028"), ("最終年度", "2032"), ("評価する階層", "3"),
            ("掲載範囲", "すべて"), ("目標の範囲", "累積")], start=1):
        ws.cell(row=r, column=1, value=key)
        ws.cell(row=r, column=2, value=value)
    for title, columns, rows in SHEETS:
        sheet = wb.create_sheet(title)
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_first_format_still_imports(pdca) -> None:
    result = plan_import(actor=pdca.m_secretariat, municipality=pdca.plan.municipality,
                         file=io.BytesIO(_legacy_book()), dry_run=False)
    assert result.errors == []
    plan = Plan.objects.get(name="重ね市第3次地域福祉計画")
    assert plan.nodes.get(code="1-1-1-b").repost_of == plan.nodes.get(code="1-1-1-a")
    assert plan.levels.count() == 4


@pytest.mark.django_db
def test_first_format_messages_name_the_value_cell_of_the_plan_sheet(pdca) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(_legacy_book()))
    wb["計画"]["B5"] = "いつか"
    out = io.BytesIO()
    wb.save(out)
    result = plan_import(actor=pdca.m_secretariat, municipality=pdca.plan.municipality,
                         file=io.BytesIO(out.getvalue()))
    assert result.errors == ["計画 5行目 B列（初年度）: 2024 や 令和6 の形で入力してください。"]
