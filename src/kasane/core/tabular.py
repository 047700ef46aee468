"""Reading tabular uploads (CSV in UTF-8 / Shift_JIS, Excel .xlsx) row by row, with Japanese
messages naming the row when a file cannot be read. Every importer uses it (sheets, areas,
resources, …); what a row means is the importer's business."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any


def cell_text(value: Any) -> str:
    """An Excel/CSV cell as text (Excel dates, numbers and booleans included)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)



class ImportFileError(ValueError):
    """The file cannot be read at all (Japanese message)."""


def detect_encoding(stream: IO[bytes]) -> str:
    """``utf-8-sig``, ``utf-8`` or ``cp932``; a file mixing UTF-8 and Shift_JIS lines is refused."""
    stream.seek(0)
    head = stream.read(3)
    bom = head == codecs.BOM_UTF8
    stream.seek(0 if not bom else 3)
    utf8_line = sjis_line = 0
    for number, line in enumerate(stream, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_line = utf8_line or number
        except UnicodeDecodeError:
            try:
                line.decode("cp932")
            except UnicodeDecodeError:
                raise ImportFileError(
                    f"{number}行目の文字コードを読み取れません。UTF-8 または Shift_JIS で保存し直してください。"
                ) from None
            sjis_line = sjis_line or number
        if utf8_line and sjis_line:
            raise ImportFileError(
                f"文字コードが混在しています（{utf8_line}行目は UTF-8、{sjis_line}行目は Shift_JIS）。"
                "一つの文字コードで保存し直してください。")
    stream.seek(0)
    if bom:
        if sjis_line:
            raise ImportFileError("UTF-8 の印（BOM）がありますが Shift_JIS の行があります。保存し直してください。")
        return "utf-8-sig"
    return "cp932" if sjis_line else "utf-8"


def csv_rows(stream: IO[bytes], encoding: str) -> Iterator[list[str]]:
    """The rows of a CSV file; a row the csv module cannot read (a cell over its field limit,
    128 KB; a NUL byte) ends the file with a Japanese message naming the row."""
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text)
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(_csv_error_text(reader.line_num, exc)) from exc
            yield row
    finally:
        text.detach()


def _csv_error_text(line: int, exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"{line}行目: 1つの項目が長すぎます（{csv.field_size_limit() // 1024}KB まで）。"
    if "NUL" in str(exc):
        return f"{line}行目: 制御文字（NUL）が含まれています。"
    return f"{line}行目: CSV の形式として読み取れません（引用符 \" の閉じ忘れなど）。"


def xlsx_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    stream.seek(0)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds
        raise ImportFileError("Excel ファイルを開けません（.xlsx 形式で保存してください）。") from exc
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [cell_text(v) for v in row]
    finally:
        book.close()


def data_rows(stream: IO[bytes], kind: str, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every data row after the header; blank rows skipped.
    ``kind`` is ``xlsx`` or ``csv``."""
    rows = xlsx_rows(stream) if kind == "xlsx" else csv_rows(stream, encoding)
    for number, cells in enumerate(rows, start=1):
        if number == 1:
            continue
        if any((c or "").strip() for c in cells):
            yield number, cells


def read_headers(stream: IO[bytes], kind: str, encoding: str) -> list[str]:
    rows = xlsx_rows(stream) if kind == "xlsx" else csv_rows(stream, encoding)
    try:
        first = next(iter(rows), None)
    except UnicodeDecodeError as exc:
        raise ImportFileError("文字コードを読み取れません。") from exc
    if not first or not any(first):
        raise ImportFileError("1行目に見出し（列名）がありません。")
    return [h.strip() for h in first]


# -- whole tables of named cells (areas, resources: small files read at once) --------------

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


def decode(data: bytes, name: str) -> str:
    """The text of a whole UTF-8 (with or without BOM) or Shift_JIS file; a file that is
    neither, or mixes both, is refused naming ``name`` and the line."""
    try:
        encoding = detect_encoding(io.BytesIO(data))
    except ImportFileError as exc:
        raise ImportFileError(f"{name}: {exc}") from None
    return data.decode(encoding)


def _table(name: str, raw: Iterator[list[str]]) -> Table:
    headers: list[str] | None = None
    rows: list[Row] = []
    for line, cells in enumerate(raw, start=1):
        if headers is None:
            headers = [h.strip().lstrip("\ufeff") for h in cells]
            if not any(headers):
                raise ImportFileError(f"{name}: 1行目に見出しがありません。")
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers):]):
            raise ImportFileError(f"{name} {line}行目: 見出しより多い列に値があります。")
        rows.append(Row(line, {h: (cells[i] if i < len(cells) else "")
                               for i, h in enumerate(headers) if h}))
    if headers is None:
        raise ImportFileError(f"{name}: 空のファイルです。")
    return Table(name, [h for h in headers if h], rows)


def read_csv_text(text: str, name: str) -> Table:
    """A CSV file's text as one table; an unreadable row is named with its line."""
    reader = csv.reader(io.StringIO(text, newline=""))

    def rows() -> Iterator[list[str]]:
        try:
            yield from reader
        except csv.Error as exc:
            raise ImportFileError(f"{name}: {_csv_error_text(reader.line_num, exc)}") from exc

    return _table(name, rows())


def read_xlsx_sheets(stream: IO[bytes], name: str) -> dict[str, Table]:
    """Every non-empty worksheet of an .xlsx file as a table, by sheet title."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds
        raise ImportFileError(f"{name}: Excel ファイルを開けません（.xlsx 形式で保存してください）。") from exc
    try:
        tables = {}
        for sheet in book.worksheets:
            raw = ([cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
            try:
                tables[sheet.title] = _table(f"{name}「{sheet.title}」", raw)
            except ImportFileError:
                continue  # an empty sheet is no table
        return tables
    finally:
        book.close()


def read_upload(stream: IO[bytes], name: str) -> list[Table]:
    """The tables of an uploaded file: every sheet of an .xlsx, or one CSV."""
    data = stream.read()
    if not data:
        raise ImportFileError(f"{name}: 空のファイルです。")
    if data[:2] == b"PK":
        return list(read_xlsx_sheets(io.BytesIO(data), name).values())
    return [read_csv_text(decode(data, name), name)]
