"""Reading uploaded tables (CSV in UTF-8 or Shift_JIS, or .xlsx) into rows of named cells.

Shared by the areas import and the resource directory's survey import (resources sits above
areas). Errors are ``TableError`` with a Japanese message naming the file and, when known,
the row: nothing is read half-way.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO


class TableError(ValueError):
    """A file that cannot be read as a table (message in Japanese, shown as it is)."""


@dataclass(frozen=True)
class Row:
    """One data row: its 1-based line in the file and its cells by header."""

    line: int
    cells: dict[str, str]

    def get(self, header: str) -> str:
        return self.cells.get(header, "").strip()


@dataclass(frozen=True)
class Table:
    name: str
    headers: list[str]
    rows: list[Row]


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: dates ISO, whole floats without ``.0``, None empty."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or Shift_JIS (cp932)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise TableError(f"{name}: 文字コードを読み取れません。UTF-8 または Shift_JIS で"
                         "保存し直してください。") from None


def _table(name: str, raw: Iterator[list[str]]) -> Table:
    headers: list[str] | None = None
    rows: list[Row] = []
    for line, cells in enumerate(raw, start=1):
        if headers is None:
            headers = [h.strip().lstrip("\ufeff") for h in cells]
            if not any(headers):
                raise TableError(f"{name}: 1行目に見出しがありません。")
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers):]):
            raise TableError(f"{name} {line}行目: 見出しより多い列に値があります。")
        rows.append(Row(line, {h: (cells[i] if i < len(cells) else "")
                               for i, h in enumerate(headers) if h}))
    if headers is None:
        raise TableError(f"{name}: 空のファイルです。")
    return Table(name, [h for h in headers if h], rows)


def read_csv_text(text: str, name: str) -> Table:
    try:
        return _table(name, iter(list(csv.reader(io.StringIO(text, newline="")))))
    except csv.Error as exc:
        raise TableError(f"{name}: CSV として読めません（{exc}）。") from exc


def read_xlsx_sheets(stream: IO[bytes], name: str) -> dict[str, Table]:
    """Every worksheet of an .xlsx file as a table, by sheet title."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds
        raise TableError(f"{name}: Excel ファイルを開けません（.xlsx 形式で保存してください）。") from exc
    try:
        tables = {}
        for sheet in book.worksheets:
            raw = ([cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
            try:
                tables[sheet.title] = _table(f"{name}「{sheet.title}」", raw)
            except TableError:
                continue  # an empty sheet is no table
        return tables
    finally:
        book.close()


def read_upload(stream: IO[bytes], name: str) -> list[Table]:
    """The tables of an uploaded file: every sheet of an .xlsx, or one CSV."""
    data = stream.read()
    if not data:
        raise TableError(f"{name}: 空のファイルです。")
    if data[:2] == b"PK":
        return list(read_xlsx_sheets(io.BytesIO(data), name).values())
    return [read_csv_text(decode(data, name), name)]
