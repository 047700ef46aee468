"""Every PDF is made by ``core.pdf.html_to_pdf``, which prints emoji the fonts lack as
〔絵文字〕 instead of a blank box."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kasane.core.pdf import html_to_pdf, printable

SRC = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("text", "printed"), [
    ("相談に来られました😊", "相談に来られました〔絵文字〕"),
    ("家族👨\u200d👩\u200d👧で来所🙇\u200d♀\ufe0f", "家族〔絵文字〕で来所〔絵文字〕"),
    ("了解👍🏻👍🏻", "了解〔絵文字〕"),
    ("○◎①→※★☆♪〒", "○◎①→※★☆♪〒"),  # symbols the fonts have are kept
    ("髙橋 𠮷田", "髙橋 𠮷田"),
])
def test_it_replaces_each_run_of_emoji(text: str, printed: str) -> None:
    assert printable(text) == printed


def test_it_prints_a_pdf() -> None:
    pdf = html_to_pdf("<html><body><p>面談😊</p></body></html>")
    assert pdf.startswith(b"%PDF")


def test_every_pdf_of_kasane_is_made_through_it() -> None:
    callers = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if "tests" not in p.parts
               and re.search(r"\.write_pdf\(|from weasyprint import", p.read_text(encoding="utf-8"))]
    assert callers == ["core/pdf.py"], callers
