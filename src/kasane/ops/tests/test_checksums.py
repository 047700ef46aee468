"""Per-table checksums: order-independent, sensitive to any changed value, and explained in Japanese."""

from __future__ import annotations

import sqlite3

from kasane.ops.checksums import differences, table_checksums


def _db(rows: list[tuple[int, str]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER, name TEXT)")
    conn.execute("CREATE TABLE empty (id INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", rows)
    return conn


def test_the_checksum_ignores_row_order_but_not_content() -> None:
    a = table_checksums(_db([(1, "甲"), (2, "乙")]).cursor(), "sqlite")
    b = table_checksums(_db([(2, "乙"), (1, "甲")]).cursor(), "sqlite")
    c = table_checksums(_db([(1, "甲"), (2, "丙")]).cursor(), "sqlite")
    assert a == b
    assert a["t"]["rows"] == 2 and a["empty"] == {"rows": 0, "checksum": ""}
    assert a["t"]["checksum"] != c["t"]["checksum"]
    assert differences(a, b) == []
    assert differences(a, c) == ["t: 内容のチェックサムが違います"]


def test_differences_name_missing_tables_and_row_counts() -> None:
    a = table_checksums(_db([(1, "甲")]).cursor(), "sqlite")
    b = table_checksums(_db([(1, "甲"), (2, "乙")]).cursor(), "sqlite")
    del b["empty"]
    assert differences(a, b) == ["empty: 復元先に表がありません",
                                 "t: 行数が違います（バックアップ 1、復元先 2）"]
