"""One Japanese voice on every form: no browser-native (English) validation bubbles, every form
class speaks through ``core.forms.JapaneseFormMixin``."""

import importlib
import inspect
import re
from pathlib import Path

import pytest
from django import forms

from kasane.core.forms import JapaneseFormMixin

SRC = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in SRC.glob("*/templates/**/*.html") if not p.name.endswith(".pdf.html"))
# The base layout's forms (logout, 所属 switcher) take no typed input.
OTHERS = {"web/base.html"}
FORM_MODULES = ["kasane.accounts.forms", "kasane.audit.forms", "kasane.cases.forms",
                "kasane.community.forms",
                "kasane.meetings.forms", "kasane.pdca.forms", "kasane.pdca.setup_forms",
                "kasane.people.forms.persons",
                "kasane.people.forms.matching", "kasane.sheets.forms"]


@pytest.mark.parametrize("path", [p for p in TEMPLATES if f"{p.parent.name}/{p.name}" not in OTHERS],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_it_turns_off_browser_validation_on_every_form(path: Path) -> None:
    for tag in re.findall(r"<form\b[^>]*>", path.read_text(encoding="utf-8")):
        assert "novalidate" in tag, tag


@pytest.mark.parametrize("module", FORM_MODULES)
def test_it_gives_every_form_the_japanese_messages(module: str) -> None:
    found = [cls for _, cls in inspect.getmembers(importlib.import_module(module), inspect.isclass)
             if issubclass(cls, forms.BaseForm) and cls.__module__ == module]
    assert found
    for cls in found:
        assert issubclass(cls, JapaneseFormMixin), cls.__name__


@pytest.mark.parametrize("module", FORM_MODULES)
def test_it_takes_dates_as_japanese_text_never_the_browsers_mm_dd_yyyy_picker(module: str) -> None:
    for _, cls in inspect.getmembers(importlib.import_module(module), inspect.isclass):
        if issubclass(cls, forms.BaseForm) and cls.__module__ == module:
            for name, field in cls.base_fields.items():  # type: ignore[attr-defined]
                kind = getattr(field.widget, "input_type", "")
                assert kind not in ("date", "datetime-local", "time"), f"{cls.__name__}.{name}"
                assert not isinstance(field, forms.DateField | forms.DateTimeField), name


@pytest.mark.parametrize("path", [p for p in TEMPLATES if f"{p.parent.name}/{p.name}" not in OTHERS],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_it_has_no_date_picker_or_western_date_format_in_templates(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r'type="(date|datetime-local)"', text)
    assert not re.search(r"\|date:", text), "use wareki_date / wareki_short / wareki_datetime"
