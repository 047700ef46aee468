"""Import of an existing plan and its annual targets from an Excel workbook (docs/pdca.md).

``plan_import(actor=…, municipality=…, file=…, dry_run=True)`` reads and checks every row and
returns the Japanese errors per sheet and row; with ``dry_run=False`` and no errors everything
is written in one transaction (all or nothing).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook

from kasane.accounts.models import Membership, Municipality, Unit
from kasane.audit.models import Basis
from kasane.audit.services import access_log, change_record

from .models import (
    AnnualTarget,
    Numbering,
    Plan,
    PlanKind,
    PlanLevel,
    PlanNode,
    SheetScope,
    TargetKind,
    TargetWindow,
)

PLAN_FIELDS = ["計画名", "略称", "種別", "上位計画", "初年度", "最終年度", "評価する階層",
               "掲載範囲", "目標の範囲"]
LEVEL_COLUMNS = ["順", "名称", "番号形式", "見出しのまとまり", "列として印刷"]
NODE_COLUMNS = ["コード", "親コード", "階層", "番号", "名称", "区分", "重点", "事業", "担当課",
                "頁", "指標", "統計キー", "再掲元コード"]
TARGET_COLUMNS = ["事業コード", "年度", "目標", "種類", "目標値", "単位", "方向", "結果",
                  "実績値", "取下げ理由"]
KINDS = {label: value for value, label in PlanKind.choices} | {"地域福祉": PlanKind.COMMUNITY_WELFARE,
                                                               "重層": PlanKind.MULTILAYER}
NUMBERING = {label: value for value, label in Numbering.choices}
MARKERS = {"": "", "新規": "new", "【新規】": "new", "拡充": "expanded", "【拡充】": "expanded"}
YES = {"○", "〇", "はい", "1", "true", "TRUE", "yes", "◯"}


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    plan: dict[str, Any] = field(default_factory=dict)
    levels: list[dict[str, Any]] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    created: Plan | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _year(value: Any) -> int | None:
    text = _text(value).replace("年度", "").replace("年", "")
    if text.isdigit() and 1989 <= int(text) <= 2100:
        return int(text)
    m = re.fullmatch(r"(?:令和|R|r)\s*(\d+|元)", text)
    if m:
        return 2018 + (1 if m.group(1) == "元" else int(m.group(1)))
    return None


def _rows(wb: Workbook, sheet: str, columns: list[str], result: ImportResult) -> list[tuple[int, dict[str, Any]]]:
    if sheet not in wb.sheetnames:
        result.errors.append(f"シート「{sheet}」がありません。テンプレートのシート名のままにしてください。")
        return []
    ws = wb[sheet]
    header = [_text(c.value) for c in ws[1]]
    missing = [c for c in columns if c not in header]
    if missing:
        result.errors.append(f"{sheet}: 1行目に列「{'」「'.join(missing)}」がありません。")
        return []
    index = {name: header.index(name) for name in columns}
    out = []
    for number, cells in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        values = {name: cells[i] if i < len(cells) else None for name, i in index.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        out.append((number, values))
    return out


def parse(file: Any, *, municipality: Municipality) -> ImportResult:
    result = ImportResult()
    try:
        wb = load_workbook(io.BytesIO(file.read()) if hasattr(file, "read") else file,
                           read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same message
        result.errors.append("Excelブック（.xlsx）として読み込めませんでした。")
        return result
    _parse_plan(wb, municipality, result)
    _parse_levels(wb, result)
    _parse_nodes(wb, municipality, result)
    _parse_targets(wb, result)
    return result


def _parse_plan(wb: Workbook, municipality: Municipality, result: ImportResult) -> None:
    if "計画" not in wb.sheetnames:
        result.errors.append("シート「計画」がありません。")
        return
    values = {_text(r[0]): r[1] if len(r) > 1 else None
              for r in wb["計画"].iter_rows(min_row=1, values_only=True) if r and r[0]}
    err = result.errors
    name = _text(values.get("計画名"))
    if not name:
        err.append("計画: 「計画名」を入力してください。")
    elif Plan.objects.filter(municipality=municipality, name=name).exists():
        err.append(f"計画: 「{name}」はすでに登録されています。別の計画名にしてください。")
    kind = KINDS.get(_text(values.get("種別")))
    if kind is None:
        err.append("計画: 「種別」は 地域福祉計画／重層的支援体制整備事業実施計画／その他 から選んでください。")
    first, last = _year(values.get("初年度")), _year(values.get("最終年度"))
    if first is None:
        err.append("計画: 「初年度」は 2024 や 令和6 の形で入力してください。")
    if last is None:
        err.append("計画: 「最終年度」は 2028 や 令和10 の形で入力してください。")
    if first and last and first > last:
        err.append("計画: 最終年度は初年度以降にしてください。")
    graded = _text(values.get("評価する階層"))
    if not graded.isdigit():
        err.append("計画: 「評価する階層」は階層の順番（1が最上位）を数字で入力してください。")
    parent_name = _text(values.get("上位計画"))
    parent = None
    if parent_name:
        parent = Plan.objects.filter(municipality=municipality, name=parent_name).first()
        if parent is None:
            err.append(f"計画: 上位計画「{parent_name}」が見つかりません。")
    scope = SheetScope.PRIORITY if "重点" in _text(values.get("掲載範囲")) else SheetScope.ALL
    window = TargetWindow.SINGLE_YEAR if "単年" in _text(values.get("目標の範囲")) \
        else TargetWindow.CUMULATIVE
    result.plan = {"name": name, "short_name": _text(values.get("略称")) or name[:20],
                   "kind": kind, "parent_plan": parent, "first_year": first, "last_year": last,
                   "graded_level": int(graded) if graded.isdigit() else 1,
                   "sheet_scope": scope, "target_window": window}


def _parse_levels(wb: Workbook, result: ImportResult) -> None:
    for row, v in _rows(wb, "階層", LEVEL_COLUMNS, result):
        where = f"階層 {row}行目"
        depth = _text(v["順"])
        numbering = NUMBERING.get(_text(v["番号形式"]))
        if not depth.isdigit():
            result.errors.append(f"{where}: 「順」は数字で入力してください。")
        if not _text(v["名称"]):
            result.errors.append(f"{where}: 「名称」を入力してください。")
        if numbering is None:
            result.errors.append(f"{where}: 「番号形式」は 1 / (1) / ① / a / ア のいずれかです。")
        result.levels.append({"depth": int(depth) if depth.isdigit() else 0,
                              "label": _text(v["名称"]), "numbering": numbering or "arabic",
                              "header_group": _text(v["見出しのまとまり"]),
                              "printed_column": _text(v["列として印刷"]) in YES | {""}})
    depths = [lv["depth"] for lv in result.levels]
    if result.levels and sorted(depths) != list(range(1, len(depths) + 1)):
        result.errors.append("階層: 「順」は1から連続した番号にしてください。")
    if not result.levels and "階層" in wb.sheetnames:
        result.errors.append("階層: 階層を1行以上入力してください。")


def _parse_nodes(wb: Workbook, municipality: Municipality, result: ImportResult) -> None:
    units = {u.code: u for u in Unit.objects.filter(municipality=municipality)}
    codes: dict[str, int] = {}
    rows = _rows(wb, "施策・事業", NODE_COLUMNS, result)
    for row, v in rows:
        code = _text(v["コード"])
        if code:
            if code in codes:
                result.errors.append(f"施策・事業 {row}行目: コード「{code}」が{codes[code]}行目と重複しています。")
            codes.setdefault(code, row)
    for row, v in rows:
        where = f"施策・事業 {row}行目"
        code, parent, repost = _text(v["コード"]), _text(v["親コード"]), _text(v["再掲元コード"])
        depth, number = _text(v["階層"]), _text(v["番号"])
        errors = []
        if not code:
            errors.append("「コード」を入力してください。")
        if parent and parent not in codes:
            errors.append(f"親コード「{parent}」が見つかりません。")
        if not depth.isdigit():
            errors.append("「階層」は階層の順番を数字で入力してください。")
        if not number.isdigit() or int(number) < 1:
            errors.append("「番号」は1以上の数字で入力してください。")
        marker = MARKERS.get(_text(v["区分"]))
        if marker is None:
            errors.append("「区分」は 新規 / 拡充 / 空欄 のいずれかです。")
        unit_codes = _text(v["担当課"]).replace("、", " ").split()
        unknown = [c for c in unit_codes if c not in units]
        if unknown:
            errors.append(f"担当課「{'・'.join(unknown)}」が登録されていません（担当課コード1文字）。")
        if repost and repost == code:
            errors.append("再掲元に自分自身は指定できません。")
        elif repost and repost not in codes and ":" not in repost:
            errors.append(f"再掲元コード「{repost}」が見つかりません。")
        if not _text(v["名称"]) and not repost:
            errors.append("「名称」を入力してください。")
        if repost and _text(v["事業"]) not in YES:
            errors.append("再掲は事業（「事業」欄に○）として登録してください。")
        result.errors.extend(f"{where}: {e}" for e in errors)
        result.nodes.append({"row": row, "code": code, "parent": parent,
                             "depth": int(depth) if depth.isdigit() else 0,
                             "number": int(number) if number.isdigit() else 0,
                             "title": _text(v["名称"]), "marker": marker or "",
                             "is_priority": _text(v["重点"]) in YES,
                             "is_business": _text(v["事業"]) in YES,
                             "units": [units[c] for c in unit_codes if c in units],
                             "plan_pages": _text(v["頁"]), "indicator_text": _text(v["指標"]),
                             "indicator_metric": _text(v["統計キー"]), "repost": repost})
    by_code = {n["code"]: n for n in result.nodes}
    for n in result.nodes:
        if n["repost"] in by_code and by_code[n["repost"]]["repost"]:
            result.errors.append(f"施策・事業 {n['row']}行目: 再掲元には元の事業（再掲でないもの）を指定してください。")
        if n["parent"] in by_code and by_code[n["parent"]]["depth"] + 1 != n["depth"]:
            result.errors.append(f"施策・事業 {n['row']}行目: 階層が親コードの階層の次になっていません。")


def _decimal(value: Any) -> Decimal | None:
    text = _text(value).replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError from None


def _parse_targets(wb: Workbook, result: ImportResult) -> None:
    businesses = {n["code"] for n in result.nodes if n["is_business"] and not n["repost"]}
    for row, v in _rows(wb, "年次目標", TARGET_COLUMNS, result):
        where = f"年次目標 {row}行目"
        errors = []
        code = _text(v["事業コード"])
        if code not in businesses:
            errors.append(f"事業コード「{code}」が「施策・事業」シートの事業（再掲でないもの）にありません。")
        fy = _year(v["年度"])
        if fy is None:
            errors.append("「年度」は 2024 や 令和6 の形で入力してください。")
        elif result.plan.get("first_year") and not (
                result.plan["first_year"] <= fy <= (result.plan["last_year"] or fy)):
            errors.append("「年度」が計画期間の外です。")
        if not _text(v["目標"]):
            errors.append("「目標」を入力してください。")
        kind = TargetKind.NUMERIC if _text(v["種類"]) in ("数値", "数値目標") else TargetKind.ACHIEVE
        try:
            value, actual = _decimal(v["目標値"]), _decimal(v["実績値"])
        except ValueError:
            errors.append("「目標値」「実績値」は数字で入力してください。")
            value = actual = None
        if kind == TargetKind.NUMERIC and value is None:
            errors.append("数値目標には「目標値」を入力してください。")
        result_text = _text(v["結果"])
        if result_text not in ("", "達成", "未達成", "○", "×"):
            errors.append("「結果」は 達成 / 未達成 / 空欄 のいずれかです。")
        result.errors.extend(f"{where}: {e}" for e in errors)
        result.targets.append({
            "code": code, "fiscal_year": fy or 0, "text": _text(v["目標"]), "kind": kind,
            "target_value": value, "unit_label": _text(v["単位"]),
            "direction": "le" if _text(v["方向"]) in ("以下", "≦", "<=") else "ge",
            "achieved": {"達成": True, "○": True, "未達成": False, "×": False}.get(result_text),
            "actual_value": actual, "withdrawn_reason": _text(v["取下げ理由"])})


def plan_import(*, actor: Membership, municipality: Municipality, file: Any,
                dry_run: bool = True) -> ImportResult:
    from . import policy as pdca_policy

    pdca_policy.require_secretariat(actor)
    pdca_policy.same_tenant(actor, municipality.pk)
    result = parse(file, municipality=municipality)
    if dry_run or not result.ok:
        return result
    with transaction.atomic():
        result.created = _write(actor, municipality, result)
    return result


def _write(actor: Membership, municipality: Municipality, result: ImportResult) -> Plan:
    plan = Plan(municipality=municipality, **result.plan)
    plan.full_clean()
    plan.save()
    for lv in result.levels:
        PlanLevel.objects.create(plan=plan, **lv)
    made: dict[str, PlanNode] = {}
    pending = sorted(result.nodes, key=lambda n: n["depth"])
    for order, n in enumerate(sorted(result.nodes, key=lambda n: n["row"]), start=1):
        n["order"] = order
    for n in pending:
        repost = None
        if n["repost"]:
            if ":" in n["repost"]:
                other, code = n["repost"].split(":", 1)
                repost = PlanNode.objects.filter(plan__municipality=municipality,
                                                 code=code).filter(
                    plan__short_name=other).first() or PlanNode.objects.filter(
                    plan__municipality=municipality, plan__name=other, code=code).first()
                if repost is None:
                    raise ValidationError(f"施策・事業 {n['row']}行目: 再掲元「{n['repost']}」が見つかりません。")
            else:
                repost = made.get(n["repost"])
        node = PlanNode(plan=plan, parent=made.get(n["parent"]), depth=n["depth"],
                        code=n["code"], number=n["number"], title=n["title"],
                        marker=n["marker"], is_priority=n["is_priority"],
                        is_business=n["is_business"], repost_of=repost,
                        plan_pages=n["plan_pages"], indicator_text=n["indicator_text"],
                        indicator_metric=n["indicator_metric"], order=n["order"])
        node.full_clean()
        node.save()
        node.units.set(n["units"])
        made[n["code"]] = node
    counts: dict[tuple[str, int], int] = {}
    for t in result.targets:
        key = (t["code"], t["fiscal_year"])
        counts[key] = counts.get(key, 0) + 1
        target = AnnualTarget(business=made[t["code"]], fiscal_year=t["fiscal_year"],
                              order=counts[key], kind=t["kind"], text=t["text"],
                              target_value=t["target_value"], unit_label=t["unit_label"],
                              direction=t["direction"], achieved=t["achieved"],
                              actual_value=t["actual_value"],
                              withdrawn=bool(t["withdrawn_reason"]),
                              withdrawn_reason=t["withdrawn_reason"])
        target.derive_achieved()
        target.full_clean()
        target.save()
    access_log(user=actor.user, action="pdca.plan.import", basis=Basis.NOT_PERSONAL,
               organization_id=actor.organization_id, object_type="pdca.Plan",
               object_id=plan.pk,
               detail=f"施策・事業 {len(result.nodes)}件、年次目標 {len(result.targets)}件")
    change_record(user=actor.user, instance=plan, operation="create",
                  organization_id=actor.organization_id, reason="Excelから取り込み")
    return plan


def template_workbook() -> bytes:
    """The import template with a small example (docs/pdca.md explains every column)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "計画"
    example = ["重ね市第3次地域福祉計画", "地域福祉計画", "地域福祉計画", "", "2028", "2032", "3",
               "すべて", "累積"]
    for r, (key, value) in enumerate(zip(PLAN_FIELDS, example, strict=True), start=1):
        ws.cell(row=r, column=1, value=key)
        ws.cell(row=r, column=2, value=value)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 40
    sheets: list[tuple[str, Any, list[list[Any]]]] = [
        ("階層", LEVEL_COLUMNS, [[1, "基本目標", "1", "", "○"], [2, "大", "(1)", "施策", "○"],
                                 [3, "小", "①", "施策", "○"], [4, "事業", "a", "", "×"]]),
        ("施策・事業", NODE_COLUMNS, [
            ["1", "", 1, 1, "地域でつながり、支え合うまち", "", "", "", "", "", "", "", ""],
            ["1-1", "1", 2, 1, "地域の担い手を育てます", "", "", "", "", "", "", "", ""],
            ["1-1-1", "1-1", 3, 1, "福祉の担い手育成を進めます", "拡充", "○", "", "", "", "", "", ""],
            ["1-1-1-a", "1-1-1", 4, 1, "福祉カレッジの開催", "拡充", "", "○", "共", "24",
             "開催回数", "", ""],
            ["1-1-1-b", "1-1-1", 4, 2, "", "", "", "○", "", "", "", "", "1-1-1-a"]]),
        ("年次目標", TARGET_COLUMNS, [
            ["1-1-1-a", "2028", "年4回開催", "数値", 4, "回", "以上", "", "", ""],
            ["1-1-1-a", "令和11", "修了者の活動先の紹介", "達成", "", "", "", "", "", ""]]),
    ]
    for title, columns, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(columns)
        for row in rows:
            ws.append(row)
        for i in range(1, len(columns) + 1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = 14
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
