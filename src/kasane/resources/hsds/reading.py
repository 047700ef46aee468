"""HSDS import, step 1: read a directory of HSDS CSV files (or hsds.json) into checked rows.

Unknown columns, missing required columns or files, and undecodable files are refused with a
Japanese message naming the file (and row); nothing is written here.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from kasane.areas.tabular import TableError, decode

from .schema import JSON_FILE, REQUIRED_COLUMNS, REQUIRED_FILES, TABLES


@dataclass(frozen=True)
class Line:
    """One data row of an HSDS table: where it is (file, 1-based line) and its cells."""

    file: str
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()

    @property
    def where(self) -> str:
        return f"{self.file} {self.line}行目"


Tables = dict[str, list[Line]]


def _check_columns(name: str, headers: list[str], errors: list[str]) -> bool:
    unknown = [h for h in headers if h not in TABLES[name]]
    if unknown:
        errors.append(f"{name}: 知らない列があります（{'、'.join(unknown)}）。"
                      f"使える列: {'、'.join(TABLES[name])}")
    missing = [c for c in REQUIRED_COLUMNS.get(name, ()) if c not in headers]
    if missing:
        errors.append(f"{name}: 必須の列がありません（{'、'.join(missing)}）。")
    return not unknown and not missing


def _read_csv(path: Path, errors: list[str]) -> list[Line]:
    name = path.name
    try:
        text = decode(path.read_bytes(), name)
    except TableError as exc:
        errors.append(str(exc))
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        raw = list(reader)
    except csv.Error as exc:
        errors.append(f"{name}: CSV として読めません（{exc}）。")
        return []
    if not raw:
        errors.append(f"{name}: 空のファイルです（1行目に見出しが必要です）。")
        return []
    headers = [h.strip() for h in raw[0]]
    if not _check_columns(name, headers, errors):
        return []
    lines = []
    for number, cells in enumerate(raw[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(headers):
            errors.append(f"{name} {number}行目: 列の数が見出し（{len(headers)}列）と違います"
                          f"（{len(cells)}列）。")
            continue
        lines.append(Line(name, number, dict(zip(headers, cells, strict=True))))
    return lines


def _read_json(path: Path, errors: list[str]) -> Tables:
    try:
        data = json.loads(decode(path.read_bytes(), path.name))
    except (TableError, ValueError) as exc:
        errors.append(f"{path.name}: JSON として読めません（{exc}）。")
        return {}
    if not isinstance(data, dict):
        errors.append(f"{path.name}: 表の名前ごとの一覧（オブジェクト）にしてください。")
        return {}
    tables: Tables = {}
    for key, rows in data.items():
        name = f"{key}.csv"
        if name not in TABLES or not isinstance(rows, list):
            errors.append(f"{path.name}: 知らない表「{key}」があります。")
            continue
        tables[name] = []
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict) or not _check_columns(name, list(row), errors):
                errors.append(f"{path.name} {key} {number}件目: 列を確認してください。")
                break
            tables[name].append(Line(f"{path.name} {key}", number,
                                     {k: "" if v is None else str(v) for k, v in row.items()}))
    return tables


def read_directory(directory: Path) -> tuple[Tables, list[str]]:
    """The tables of an HSDS directory: its CSV files, or ``hsds.json`` when there is no
    organizations.csv. Returns (tables, errors)."""
    errors: list[str] = []
    if not directory.is_dir():
        return {}, [f"{directory}: フォルダがありません。"]
    if not (directory / "organizations.csv").exists() and (directory / JSON_FILE).exists():
        tables = _read_json(directory / JSON_FILE, errors)
    else:
        tables = {name: _read_csv(directory / name, errors)
                  for name in TABLES if (directory / name).exists()}
    for name in REQUIRED_FILES:
        if name not in tables:
            errors.append(f"{name}: ファイルがありません（必須です）。")
    for name in TABLES:
        tables.setdefault(name, [])
    return tables, errors
