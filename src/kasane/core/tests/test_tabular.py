"""core.tabular: reading CSV (UTF-8 / Shift_JIS) and Excel uploads row by row."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from kasane.core.tabular import ImportFileError, cell_text, data_rows, detect_encoding, read_headers


def test_encoding_detected_from_the_lines():
    assert detect_encoding(io.BytesIO("名前\n重ね\n".encode())) == "utf-8"
    assert detect_encoding(io.BytesIO("名前\n重ね\n".encode("cp932"))) == "cp932"
    assert detect_encoding(io.BytesIO("\ufeff名前\n".encode())) == "utf-8-sig"


def test_mixed_encodings_are_refused_naming_both_lines():
    data = "名前\n".encode() + "重ね\n".encode("cp932")
    with pytest.raises(ImportFileError, match="1行目は UTF-8、2行目は Shift_JIS"):
        detect_encoding(io.BytesIO(data))


def test_csv_data_rows_skip_the_header_and_blank_rows():
    data = io.BytesIO("名前,年齢\n山田,40\n,\n佐藤,\n".encode())
    assert list(data_rows(data, "csv", "utf-8")) == [(2, ["山田", "40"]), (4, ["佐藤", ""])]


def test_an_oversized_csv_cell_names_its_row():
    data = io.BytesIO(("a\n" + "x" * (200 * 1024) + "\n").encode())
    with pytest.raises(ImportFileError, match="2行目: 1つの項目が長すぎます"):
        list(data_rows(data, "csv", "utf-8"))


def test_excel_cells_become_text():
    book = Workbook()
    sheet = book.active
    sheet.append(["日付", "数", "可否"])
    sheet.append([dt.datetime(2025, 4, 1), 3.0, True])
    out = io.BytesIO()
    book.save(out)
    assert read_headers(out, "xlsx", "") == ["日付", "数", "可否"]
    assert list(data_rows(out, "xlsx", "")) == [(2, ["2025-04-01", "3", "はい"])]


def test_a_file_that_is_not_excel_is_refused_in_japanese():
    with pytest.raises(ImportFileError, match="Excel ファイルを開けません"):
        read_headers(io.BytesIO(b"not a workbook"), "xlsx", "")


def test_cell_text_keeps_times_and_empty_cells():
    assert cell_text(None) == ""
    assert cell_text(dt.datetime(2025, 4, 1, 9, 30)) == "2025-04-01 09:30"
    assert cell_text(2.5) == "2.5"
