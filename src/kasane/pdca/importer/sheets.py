"""Reading the import workbook: sheets, rows and located Japanese messages.

Every message names sheet, row and column: 「年次目標 12行目 D列（目標値）: 数字で入力してください。」
A sheet whose header is broken is reported once and marked ``broken``; checks that depend on
it are skipped (one root cause → one message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def year(value: Any) -> int | None:
    """2024, 「2024年度」, 令和6, R6, 令和元 → 西暦 年度; None if not a year."""
    t = text(value).replace("年度", "").replace("年", "").replace(" ", "")
    if t.isdigit() and 1989 <= int(t) <= 2100:
        return int(t)
    m = re.fullmatch(r"(?:令和|R|r)(\d+|元)", t)
    if m:
        return 2018 + (1 if m.group(1) == "元" else int(m.group(1)))
    return None


class NotANumber(ValueError):
    pass


def decimal(value: Any) -> Decimal | None:
    t = text(value).replace(",", "").replace("，", "")
    if not t:
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        raise NotANumber(t) from None


@dataclass
class Row:
    sheet: str
    number: int
    values: dict[str, Any]
    letters: dict[str, str]

    def at(self, column: str | None = None) -> str:
        """「施策・事業 5行目 I列（担当課）」 (without column: 「施策・事業 5行目」)."""
        if column is None or column not in self.letters:
            return f"{self.sheet} {self.number}行目"
        return f"{self.sheet} {self.number}行目 {self.letters[column]}列（{column}）"

    def get(self, column: str) -> str:
        return text(self.values.get(column))

    def raw(self, column: str) -> Any:
        return self.values.get(column)


@dataclass
class Messages:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)

    def error(self, where: str, message: str) -> None:
        line = f"{where}: {message}"
        if line not in self.errors:
            self.errors.append(line)

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"{where}: {message}")


def table(wb: Workbook, sheet: str, required: list[str], optional: list[str],
          msgs: Messages, *, needed: bool = True) -> list[Row]:
    """The data rows of a sheet whose first row holds the column names. A missing sheet (when
    ``needed``) or missing required columns: one message, the sheet marked broken, no rows."""
    if sheet not in wb.sheetnames:
        if needed:
            msgs.error(sheet, f"シート「{sheet}」がありません。テンプレートのシート名のままにしてください。")
            msgs.broken.add(sheet)
        return []
    ws = wb[sheet]
    header = [text(c.value) for c in next(ws.iter_rows(min_row=1, max_row=1), ())]
    missing = [c for c in required if c not in header]
    if missing:
        msgs.error(f"{sheet} 1行目", f"列「{'」「'.join(missing)}」がありません（見出しはテンプレートのままにしてください）。")
        msgs.broken.add(sheet)
        return []
    index = {name: header.index(name) for name in [*required, *optional] if name in header}
    letters = {name: get_column_letter(i + 1) for name, i in index.items()}
    rows = []
    for number, cells in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        values = {name: cells[i] if i < len(cells) else None for name, i in index.items()}
        if all(text(v) == "" for v in values.values()):
            continue
        rows.append(Row(sheet, number, values, letters))
    return rows
