"""House rules over every template: no inline script/style, nothing loaded from outside."""

import re
from pathlib import Path

import pytest

# PDF-only templates (``*.pdf.html``) are rendered by WeasyPrint, never served to a browser,
# so they may carry their own <style>; everything else obeys the CSP.
TEMPLATES = sorted(p for p in Path(__file__).resolve().parents[2].glob("*/templates/**/*.html")
                   if not p.name.endswith(".pdf.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_it_has_no_inline_script_or_style_or_external_url(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert "<style" not in text, "inline <style>"
    assert not re.search(r"\sstyle=\"", text), "style attribute"
    assert not re.search(r"\son[a-z]+=\"", text), "inline event handler"
    assert not re.search(r"(src|href)=[\"'](https?:)?//", text), "external URL"


def test_it_found_the_templates() -> None:
    assert len(TEMPLATES) >= 10
