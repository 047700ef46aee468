"""Leaving a page with unsaved changes asks first: the big forms carry ``data-dirty-guard``
and kasane.js asks on ``beforeunload`` (the browser journeys check the asking itself)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template.loader import get_template

GUARDED = [
    "sheets/form.html",
    "cases/open.html", "cases/edit.html", "cases/contact_form.html", "cases/plan_form.html",
    "cases/monitor.html", "cases/close.html", "cases/refer.html", "cases/from_record.html",
    "people/create.html", "people/edit.html", "people/consent_form.html",
    "meetings/meeting_form.html", "meetings/agenda_form.html", "meetings/body_form.html",
]
JS = Path(__file__).resolve().parents[1] / "static" / "kasane" / "kasane.js"


@pytest.mark.parametrize("name", GUARDED)
def test_it_guards_the_big_forms(name: str) -> None:
    source = get_template(name).template.source
    assert re.search(r'<form method="post"[^>]*\sdata-dirty-guard(?![\w-])', source), name


def test_it_asks_before_unload_only_for_unsaved_typing() -> None:
    js = JS.read_text(encoding="utf-8")
    assert 'addEventListener("beforeunload"' in js and "form[data-dirty-guard]" in js
    assert "htmx:afterRequest" in js  # a successful autosave counts as saved
    assert 'addEventListener("submit"' in js  # a submit is not leaving unsaved
