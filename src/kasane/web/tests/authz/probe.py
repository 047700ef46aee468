"""How a cell is judged: the verdict of a response and the text of its body.

* **allow** — 2xx, or a 3xx whose target is not the login page.
* **deny** — 401, 403, 404, or a redirect to the login page (anonymous). Pages answer an
  invisible object with 404 (indistinguishable from a nonexistent one) and a role refusal with
  403; the API answers 401 without credentials.
* anything else (400, 405, 409, 422, 5xx) is **other**, except that a write answered 400 or
  409 (a form or business error after the gate) counts as let through (allow). Entries whose
  body the matrix cannot build (``Entry.body=False``: the schema refuses it with 422 first)
  only assert that nobody gets a 2xx/3xx and that nothing is written.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
from typing import Any

from django.conf import settings
from django.shortcuts import resolve_url

ALLOW, DENY, OTHER = "allow", "deny", "other"


def verdict(response: Any, *, posted: bool = False) -> str:
    """``allow`` / ``deny`` / ``other`` for one response (see the module docstring). A 422 is
    always ``other``: ninja validates the body before the view runs, so it says nothing about
    the authorization check."""
    status = response.status_code
    if status in (401, 403, 404):
        return DENY
    if 300 <= status < 400:
        target = response.get("Location", "").split("?")[0]
        return DENY if target == resolve_url(settings.LOGIN_URL) else ALLOW
    if 200 <= status < 300:
        return ALLOW
    if posted and status in (400, 409):
        return ALLOW
    return OTHER


def body_text(response: Any) -> str:
    """The body as text: HTML/JSON/CSV decoded, Excel cell values, PDF text (pdftotext)."""
    if hasattr(response, "content_bytes"):
        content = response.content_bytes  # a streamed body, kept by cells.run
    elif getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind or content[:2] == b"PK":
        return _xlsx_text(content)
    if "pdf" in kind or content[:4] == b"%PDF":
        return _pdf_text(content)
    text = content.decode("utf-8-sig", errors="replace")
    if "json" in kind:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    cells = [str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
             for value in row if value is not None]
    return "\n".join(cells)


def _pdf_text(content: bytes) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:  # pragma: no cover - poppler-utils is in the CI image
        raise RuntimeError("pdftotext (poppler-utils) is needed for the PDF masking checks")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        done = subprocess.run([tool, "-q", "-enc", "UTF-8", pdf.name, "-"],  # noqa: S603
                              capture_output=True, check=False, timeout=60)
    return done.stdout.decode("utf-8", errors="replace")
