"""Parse and check the whole-report workbook (docs/pdca.md 「Excel からの取込み」).

Sheets: 計画 (one plan as 項目/値, or one row per plan), 階層, 施策・事業, 年次目標 — required;
担当課, Do・Act, Check, 委員会意見 — optional. Every sheet after 計画 has an optional 「計画」
column (the plan's 略称 or name; may be blank when the book holds one plan). All plans of the
book are checked together, so two plans that cross-list each other pass in one dry run.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook

from kasane.accounts.models import Municipality, Unit

from ..models import Numbering, Plan, PlanKind, PlanNode, SheetScope, TargetKind, TargetWindow
from .sheets import Messages, NotANumber, Row, decimal, table, text, year

PLAN_FIELDS = ["計画名", "略称", "種別", "上位計画", "初年度", "最終年度", "評価する階層",
               "掲載範囲", "目標の範囲"]
LEVEL_COLUMNS = ["順", "名称", "番号形式", "見出しのまとまり", "列として印刷"]
NODE_COLUMNS = ["コード", "親コード", "階層", "番号", "名称", "区分", "重点", "事業", "担当課",
                "頁", "指標", "統計キー", "再掲元コード"]
TARGET_COLUMNS = ["事業コード", "年度", "目標", "種類", "目標値", "単位", "方向", "結果",
                  "実績値", "取下げ理由"]
UNIT_COLUMNS = ["コード", "課名", "表示順"]
PAIR_COLUMNS = ["事業コード", "年度", "担当課", "Do", "Act"]
CHECK_COLUMNS = ["施策コード", "年度", "Check"]
OPINION_COLUMNS = ["コード", "年度", "意見", "会議", "次年度の反映"]
REQUIRED_SHEETS = ["計画", "階層", "施策・事業", "年次目標"]
OPTIONAL_SHEETS = ["担当課", "Do・Act", "Check", "委員会意見"]
KINDS = {label: value for value, label in PlanKind.choices} | {"地域福祉": PlanKind.COMMUNITY_WELFARE,
                                                               "重層": PlanKind.MULTILAYER}
NUMBERING = {label: value for value, label in Numbering.choices}
MARKERS = {"": "", "新規": "new", "【新規】": "new", "拡充": "expanded", "【拡充】": "expanded"}
YES = {"○", "〇", "はい", "1", "true", "TRUE", "yes", "◯"}
PLAN_COL = "計画"
NOT_A_WORKBOOK = ("Excelブック（.xlsx）として読み込めませんでした。ファイルが壊れていないか、"
                  "取込用テンプレートから作ったブックか確かめてください。")
NO_SHEETS = ("取込用のシート（計画・階層・施策・事業・年次目標）がありません。"
             "取込用Excelテンプレートのシート名のまま入力してください。")


@dataclass
class PlanIn:
    where: str
    fields: dict[str, Any]
    levels: list[dict[str, Any]] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return str(self.fields["short_name"])


@dataclass
class ImportResult:
    """What the book holds, with every error (sheet, row, column) and warning."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    file_error: str = ""
    plans: list[PlanIn] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    pairs: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    opinions: list[dict[str, Any]] = field(default_factory=list)
    created: Plan | None = None
    created_plans: list[Plan] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def plan(self) -> dict[str, Any]:
        return self.plans[0].fields if self.plans else {}

    @property
    def levels(self) -> list[dict[str, Any]]:
        return [lv for p in self.plans for lv in p.levels]

    @property
    def nodes(self) -> list[dict[str, Any]]:
        return [n for p in self.plans for n in p.nodes]

    @property
    def targets(self) -> list[dict[str, Any]]:
        return [t for p in self.plans for t in p.targets]

    def summary(self) -> str:
        parts = [f"計画 {len(self.plans)}件（{'・'.join(p.key for p in self.plans)}）",
                 f"施策・事業 {len(self.nodes)}件", f"年次目標 {len(self.targets)}件"]
        for label, items in (("Do・Act", self.pairs), ("Check", self.checks),
                             ("委員会意見", self.opinions), ("新しい担当課", self.units)):
            if items:
                parts.append(f"{label} {len(items)}件")
        return "、".join(parts)


def load(file: Any, msgs: Messages) -> Workbook | None:
    try:
        data = file.read() if hasattr(file, "read") else open(file, "rb").read()  # noqa: SIM115
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same one message
        return None


def parse(file: Any, *, municipality: Municipality) -> ImportResult:
    """Read and check the whole book; nothing is written (see ``importer.write``)."""
    result = ImportResult()
    msgs = Messages()
    wb = load(file, msgs)
    if wb is None:
        result.file_error = NOT_A_WORKBOOK
    elif not any(s in wb.sheetnames for s in REQUIRED_SHEETS):
        result.file_error = NO_SHEETS
    if result.file_error:
        result.errors = [result.file_error]
        return result
    assert wb is not None
    ctx = _Context(municipality, msgs, result)
    ctx.read_plans(wb)
    ctx.read_units(wb)
    ctx.read_levels(wb)
    ctx.read_nodes(wb)
    ctx.read_targets(wb)
    ctx.read_pairs(wb)
    ctx.read_checks(wb)
    ctx.read_opinions(wb)
    result.errors, result.warnings = msgs.errors, msgs.warnings
    return result


class _Context:
    def __init__(self, municipality: Municipality, msgs: Messages, result: ImportResult) -> None:
        self.muni = municipality
        self.msgs = msgs
        self.result = result
        self.units = {u.code: u.code for u in Unit.objects.filter(municipality=municipality)}

    # --- 計画 -----------------------------------------------------------------------------
    def read_plans(self, wb: Workbook) -> None:
        if "計画" not in wb.sheetnames:
            self.msgs.error("計画", "シート「計画」がありません。テンプレートのシート名のままにしてください。")
            self.msgs.broken.add("計画")
            return
        ws = wb["計画"]
        first = [text(c.value) for c in next(ws.iter_rows(min_row=1, max_row=1), ())]
        if "計画名" in first and "略称" in first:
            for row in table(wb, "計画", ["計画名", "種別", "初年度", "最終年度", "評価する階層"],
                             [c for c in PLAN_FIELDS if c not in ("計画名",)], self.msgs):
                self._plan({c: row.raw(c) for c in PLAN_FIELDS}, row.at, row.at())
        else:
            values: dict[str, Any] = {}
            rows: dict[str, int] = {}
            for number, r in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
                if r and text(r[0]):
                    values[text(r[0])] = r[1] if len(r) > 1 else None
                    rows[text(r[0])] = number

            def at(column: str | None = None) -> str:
                if column in rows:
                    return f"計画 {rows[column]}行目 B列（{column}）"
                return f"計画 A列（{column}の行がありません）" if column else "計画"

            self._plan(values, at, "計画")
        keys = [p.key for p in self.result.plans]
        for p in self.result.plans:
            if keys.count(p.key) > 1:
                self.msgs.error(p.where, f"略称「{p.key}」が重複しています。計画ごとに別の略称にしてください。")
        names = {p.fields["name"] for p in self.result.plans}
        for p in self.result.plans:
            parent = p.fields["parent_name"]
            if parent and parent not in names and not Plan.objects.filter(
                    municipality=self.muni, name=parent).exists():
                self.msgs.error(p.where, f"上位計画「{parent}」が見つかりません（このブックにも登録済みの計画にもありません）。")

    def _plan(self, v: dict[str, Any], at: Any, where: str) -> None:
        err = self.msgs.error
        name = text(v.get("計画名"))
        if not name:
            err(at("計画名"), "計画名を入力してください。")
        elif Plan.objects.filter(municipality=self.muni, name=name).exists():
            err(at("計画名"), f"「{name}」はすでに登録されています。別の計画名にしてください。")
        kind = KINDS.get(text(v.get("種別")))
        if kind is None:
            err(at("種別"), "地域福祉計画／重層的支援体制整備事業実施計画／その他 から選んでください。")
        first, last = year(v.get("初年度")), year(v.get("最終年度"))
        if first is None:
            err(at("初年度"), "2024 や 令和6 の形で入力してください。")
        if last is None:
            err(at("最終年度"), "2028 や 令和10 の形で入力してください。")
        if first and last and first > last:
            err(at("最終年度"), "最終年度は初年度以降にしてください。")
        graded = text(v.get("評価する階層"))
        if not graded.isdigit():
            err(at("評価する階層"), "階層の順番（1が最上位）を数字で入力してください。")
        short = text(v.get("略称")) or name[:20]
        if len(short) > 20:
            err(at("略称"), "略称は20文字以内にしてください。")
        self.result.plans.append(PlanIn(where=where, fields={
            "name": name, "short_name": short, "kind": kind or PlanKind.OTHER,
            "parent_name": text(v.get("上位計画")), "first_year": first, "last_year": last,
            "graded_level": int(graded) if graded.isdigit() else 1,
            "sheet_scope": SheetScope.PRIORITY if "重点" in text(v.get("掲載範囲"))
            else SheetScope.ALL,
            "target_window": TargetWindow.SINGLE_YEAR if "単年" in text(v.get("目標の範囲"))
            else TargetWindow.CUMULATIVE}))

    def plan_of(self, row: Row) -> PlanIn | None:
        """The plan a row belongs to (「計画」 column, or the book's only plan)."""
        key = row.get(PLAN_COL)
        plans = self.result.plans
        if not key:
            if len(plans) == 1:
                return plans[0]
            if "計画" not in self.msgs.broken and plans:
                self.msgs.error(row.at(PLAN_COL) if PLAN_COL in row.letters else row.at(),
                                "このブックには計画が複数あります。「計画」列に略称を入力してください。")
            return None
        for p in plans:
            if key in (p.key, p.fields["name"]):
                return p
        if "計画" not in self.msgs.broken:
            self.msgs.error(row.at(PLAN_COL), f"計画「{key}」がシート「計画」にありません。")
        return None

    # --- 担当課 ---------------------------------------------------------------------------
    def read_units(self, wb: Workbook) -> None:
        for row in table(wb, "担当課", UNIT_COLUMNS[:2], UNIT_COLUMNS[2:], self.msgs, needed=False):
            code, name, order = row.get("コード"), row.get("課名"), row.get("表示順")
            if len(code) != 1:
                self.msgs.error(row.at("コード"), "担当課コードは1文字で入力してください。")
                continue
            if not name:
                self.msgs.error(row.at("課名"), "課名を入力してください。")
                continue
            if order and not order.isdigit():
                self.msgs.error(row.at("表示順"), "数字で入力してください。")
                continue
            if code in self.units:
                if any(u["code"] == code for u in self.result.units):
                    self.msgs.error(row.at("コード"), f"担当課コード「{code}」が重複しています。")
                continue  # already registered: nothing to create
            self.units[code] = code
            self.result.units.append({"where": row.at(), "code": code, "name": name,
                                      "order": int(order) if order else 0})

    def unit_codes(self, row: Row, column: str) -> list[str] | None:
        codes = row.get(column).replace("、", " ").replace("・", " ").split()
        unknown = [c for c in codes if c not in self.units]
        if unknown:
            self.msgs.error(row.at(column), f"担当課「{'・'.join(unknown)}」が登録されていません"
                            "（担当課コード1文字。新しい担当課はシート「担当課」に追加できます）。")
            return None
        return codes

    # --- 階層 -----------------------------------------------------------------------------
    def read_levels(self, wb: Workbook) -> None:
        for row in table(wb, "階層", LEVEL_COLUMNS[:3], [*LEVEL_COLUMNS[3:], PLAN_COL], self.msgs):
            plan = self.plan_of(row)
            depth, label = row.get("順"), row.get("名称")
            numbering = NUMBERING.get(row.get("番号形式"))
            if not depth.isdigit():
                self.msgs.error(row.at("順"), "数字で入力してください。")
            if not label:
                self.msgs.error(row.at("名称"), "名称を入力してください。")
            if numbering is None:
                self.msgs.error(row.at("番号形式"), "1 / (1) / ① / a / ア のいずれかです。")
            if plan is not None:
                plan.levels.append({"depth": int(depth) if depth.isdigit() else 0,
                                    "label": label, "numbering": numbering or "arabic",
                                    "header_group": row.get("見出しのまとまり"),
                                    "printed_column": row.get("列として印刷") in YES | {""}})
        if "階層" in self.msgs.broken:
            return
        for p in self.result.plans:
            depths = sorted(lv["depth"] for lv in p.levels)
            if not depths:
                self.msgs.error("階層", f"計画「{p.key}」の階層を1行以上入力してください。")
            elif depths != list(range(1, len(depths) + 1)):
                self.msgs.error("階層", f"計画「{p.key}」の「順」は1から連続した番号にしてください。")

    # --- 施策・事業 -------------------------------------------------------------------------
    def read_nodes(self, wb: Workbook) -> None:
        rows = table(wb, "施策・事業", NODE_COLUMNS[:5],
                     [*NODE_COLUMNS[5:], PLAN_COL], self.msgs)
        placed: list[tuple[Row, PlanIn]] = []
        seen: dict[tuple[str, str], int] = {}
        for row in rows:
            plan = self.plan_of(row)
            code = row.get("コード")
            if plan is None:
                continue
            if not code:
                self.msgs.error(row.at("コード"), "コードを入力してください。")
                continue
            if (plan.key, code) in seen:
                self.msgs.error(row.at("コード"), f"コード「{code}」が{seen[plan.key, code]}行目と重複しています。")
                continue
            seen[plan.key, code] = row.number
            placed.append((row, plan))
        for row, plan in placed:
            node = self._node(row, plan)
            plan.nodes.append(node)
        for plan in self.result.plans:
            self._node_links(plan)

    def _node(self, row: Row, plan: PlanIn) -> dict[str, Any]:
        err = self.msgs.error
        depth, number = row.get("階層"), row.get("番号")
        if not depth.isdigit():
            err(row.at("階層"), "階層の順番を数字で入力してください。")
        if not number.isdigit() or int(number) < 1:
            err(row.at("番号"), "1以上の数字で入力してください。")
        marker = MARKERS.get(row.get("区分"))
        if marker is None:
            err(row.at("区分"), "新規 / 拡充 / 空欄 のいずれかです。")
        units = self.unit_codes(row, "担当課")  # None: already reported, skip unit checks
        repost = row.get("再掲元コード")
        is_business = row.get("事業") in YES
        if is_business and not row.get("名称") and not repost:
            err(row.at("名称"), "事業の名称を入力してください（施策は名称なしでも構いません）。")
        if repost and not is_business:
            err(row.at("事業"), "再掲は事業（「事業」欄に○）として登録してください。")
        return {"row": row, "code": row.get("コード"), "parent": row.get("親コード"),
                "depth": int(depth) if depth.isdigit() else 0,
                "number": int(number) if number.isdigit() else 0,
                "title": row.get("名称"), "marker": marker or "",
                "is_priority": row.get("重点") in YES, "is_business": is_business,
                "units": units, "plan_pages": row.get("頁"), "indicator_text": row.get("指標"),
                "indicator_metric": row.get("統計キー"), "repost": repost}

    def _node_links(self, plan: PlanIn) -> None:
        by_code = {n["code"]: n for n in plan.nodes}
        siblings: dict[tuple[str, int], str] = {}
        for n in plan.nodes:
            row: Row = n["row"]
            parent = by_code.get(n["parent"]) if n["parent"] else None
            if n["parent"] and parent is None:
                self.msgs.error(row.at("親コード"), f"親コード「{n['parent']}」が見つかりません。")
            elif parent is not None and n["depth"] and parent["depth"] and \
                    parent["depth"] + 1 != n["depth"]:
                self.msgs.error(row.at("階層"), "階層が親コードの階層の次になっていません。")
            elif not n["parent"] and n["depth"] > 1:
                self.msgs.error(row.at("親コード"), "最上位でない施策・事業には親コードを入力してください。")
            if n["number"]:
                key = (n["parent"], n["number"])
                if key in siblings:
                    self.msgs.warn(row.at("番号"), f"同じ親の下で番号{n['number']}が"
                                   f"「{siblings[key]}」と重複しています（このまま印刷されます）。")
                else:
                    siblings[key] = n["code"]
            if n["repost"]:
                self._check_repost(plan, n)

    def resolve_repost(self, plan: PlanIn, ref: str) -> tuple[PlanIn | None, str] | None:
        """(plan in this book or None for a registered plan, code), or None if absent."""
        other, _, code = ref.rpartition(":")
        other = other.strip()
        code = code.strip()
        book = plan if not other else next(
            (p for p in self.result.plans if other in (p.key, p.fields["name"])), None)
        if book is not None:
            return (book, code) if any(n["code"] == code for n in book.nodes) else None
        if other and PlanNode.objects.filter(plan__municipality=self.muni, code=code,
                                             is_business=True, repost_of__isnull=True).filter(
                models_q_plan(other)).exists():
            return None, code
        return None

    def _check_repost(self, plan: PlanIn, n: dict[str, Any]) -> None:
        row: Row = n["row"]
        ref = n["repost"]
        if ref == n["code"]:
            self.msgs.error(row.at("再掲元コード"), "再掲元に自分自身は指定できません。")
            return
        if "施策・事業" in self.msgs.broken:
            return
        found = self.resolve_repost(plan, ref)
        if found is None:
            self.msgs.error(row.at("再掲元コード"), f"再掲元「{ref}」が見つかりません"
                            "（同じ計画のコード、または「略称:コード」で他の計画の事業）。")
            return
        book, code = found
        if book is not None:
            original = next(o for o in book.nodes if o["code"] == code)
            if original["repost"]:
                self.msgs.error(row.at("再掲元コード"), "再掲元には元の事業（再掲でないもの）を指定してください。")
            elif not original["is_business"]:
                self.msgs.error(row.at("再掲元コード"), "再掲できるのは事業だけです。")

    # --- 年次目標 ---------------------------------------------------------------------------
    def business(self, row: Row, column: str, plan: PlanIn) -> dict[str, Any] | None:
        """The original (non-reposted) business ``row[column]`` names, else one message."""
        code = row.get(column)
        node = next((n for n in plan.nodes if n["code"] == code), None)
        if node is None or not node["is_business"] or node["repost"]:
            if "施策・事業" not in self.msgs.broken:
                what = "再掲の事業です。元の事業のコードにしてください" if node and node["repost"] \
                    else "「施策・事業」シートの事業にありません"
                self.msgs.error(row.at(column), f"事業コード「{code}」は{what}。")
            return None
        return node

    def fiscal_year(self, row: Row, plan: PlanIn | None) -> int | None:
        fy = year(row.raw("年度"))
        if fy is None:
            self.msgs.error(row.at("年度"), "2024 や 令和6 の形で入力してください。")
        elif plan is not None and plan.fields["first_year"] and plan.fields["last_year"] and \
                not plan.fields["first_year"] <= fy <= plan.fields["last_year"]:
            self.msgs.error(row.at("年度"), "計画期間の外です。")
        return fy

    def read_targets(self, wb: Workbook) -> None:
        for row in table(wb, "年次目標", TARGET_COLUMNS[:3], [*TARGET_COLUMNS[3:], PLAN_COL],
                         self.msgs):
            plan = self.plan_of(row)
            node = self.business(row, "事業コード", plan) if plan else None
            fy = self.fiscal_year(row, plan)
            if not row.get("目標"):
                self.msgs.error(row.at("目標"), "目標を入力してください。")
            kind = TargetKind.NUMERIC if row.get("種類") in ("数値", "数値目標") \
                else TargetKind.ACHIEVE
            numbers = {}
            for column in ("目標値", "実績値"):
                try:
                    numbers[column] = decimal(row.raw(column))
                except NotANumber:
                    self.msgs.error(row.at(column), "数字で入力してください。")
                    numbers[column] = None
                    continue
                if numbers[column] is not None and numbers[column] < 0:  # type: ignore[operator]
                    self.msgs.error(row.at(column), "0以上で入力してください。")
            if kind == TargetKind.NUMERIC and not row.get("目標値"):
                self.msgs.error(row.at("目標値"), "数値目標には目標値を入力してください。")
            result_text = row.get("結果")
            if result_text not in ("", "達成", "未達成", "○", "×"):
                self.msgs.error(row.at("結果"), "達成 / 未達成 / 空欄 のいずれかです。")
            if plan is None or node is None or fy is None:
                continue
            plan.targets.append({
                "row": row, "code": node["code"], "fiscal_year": fy, "text": row.get("目標"),
                "kind": kind, "target_value": numbers["目標値"], "unit_label": row.get("単位"),
                "direction": "le" if row.get("方向") in ("以下", "≦", "<=") else "ge",
                "achieved": {"達成": True, "○": True, "未達成": False, "×": False}.get(result_text),
                "actual_value": numbers["実績値"], "withdrawn_reason": row.get("取下げ理由")})

    # --- Do・Act / Check / 委員会意見 --------------------------------------------------------
    def read_pairs(self, wb: Workbook) -> None:
        for row in table(wb, "Do・Act", PAIR_COLUMNS[:2], [*PAIR_COLUMNS[2:], PLAN_COL],
                         self.msgs, needed=False):
            plan = self.plan_of(row)
            node = self.business(row, "事業コード", plan) if plan else None
            fy = self.fiscal_year(row, plan)
            unit = row.get("担当課")
            if not (row.get("Do") or row.get("Act")):
                self.msgs.error(row.at("Do"), "Do か Act のどちらかを入力してください。")
                continue
            if unit and node is not None and node["units"] is not None and \
                    unit not in node["units"]:
                self.msgs.error(row.at("担当課"), f"担当課「{unit}」はこの事業の担当課"
                                f"（{'・'.join(node['units']) or '未設定'}）にありません。")
                continue
            if plan and node and fy:
                self.result.pairs.append({"row": row, "plan": plan.key, "code": node["code"],
                                          "fiscal_year": fy, "unit": unit,
                                          "do_text": row.get("Do"), "act_text": row.get("Act")})

    def read_checks(self, wb: Workbook) -> None:
        for row in table(wb, "Check", CHECK_COLUMNS[:3], [PLAN_COL], self.msgs, needed=False):
            plan = self.plan_of(row)
            fy = self.fiscal_year(row, plan)
            if plan is None or fy is None:
                continue
            code = row.get("施策コード")
            node = next((n for n in plan.nodes if n["code"] == code), None)
            if node is None or node["is_business"] or \
                    node["depth"] != plan.fields["graded_level"]:
                if "施策・事業" not in self.msgs.broken:
                    self.msgs.error(row.at("施策コード"), f"「{code}」は評価する階層の施策ではありません。")
                continue
            self.result.checks.append({"row": row, "plan": plan.key, "code": code,
                                       "fiscal_year": fy, "check_text": row.get("Check")})

    def read_opinions(self, wb: Workbook) -> None:
        for row in table(wb, "委員会意見", OPINION_COLUMNS[:3], [*OPINION_COLUMNS[3:], PLAN_COL],
                         self.msgs, needed=False):
            plan = self.plan_of(row)
            fy = self.fiscal_year(row, plan)
            if plan is None or fy is None:
                continue
            code = row.get("コード")
            if not any(n["code"] == code for n in plan.nodes):
                if "施策・事業" not in self.msgs.broken:
                    self.msgs.error(row.at("コード"), f"コード「{code}」が「施策・事業」シートにありません。")
                continue
            if not row.get("意見"):
                self.msgs.error(row.at("意見"), "意見を入力してください。")
                continue
            self.result.opinions.append({
                "row": row, "plan": plan.key, "code": code, "fiscal_year": fy,
                "text": row.get("意見"), "meeting_label": row.get("会議"),
                "response_next_year": row.get("次年度の反映")})


def models_q_plan(name: str) -> Any:
    from django.db.models import Q

    return Q(plan__short_name=name) | Q(plan__name=name)
