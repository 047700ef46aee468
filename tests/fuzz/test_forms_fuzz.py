"""Every form class of Kasane, fed hostile values in every field (hypothesis).

A form must answer any input with ``is_valid()`` — never an exception —, its messages must be
Japanese (no Django default in English), a valid form must never hand a NUL character to a
service, and it must render. Form classes are found by walking the subclasses of
``core.forms.JapaneseFormMixin`` after importing every forms/views module, so a new form is
fuzzed without being listed; ``CONSTRUCT`` gives the keyword arguments a form needs.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.utils.datastructures import MultiValueDict
from hypothesis import given
from hypothesis import strategies as st

import kasane
from kasane.core.forms import JapaneseFormMixin
from tests.fuzz.strategies import hostile_value, odd_dates, odd_integers

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _all_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(kasane.__path__, "kasane."):
        name = module.name
        if ".tests" in name or ".migrations" in name:
            continue
        if ".forms" in name or name.endswith("setup_forms") or ".views" in name:
            importlib.import_module(name)
    found: set[type[Any]] = set()
    todo = [JapaneseFormMixin]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return sorted((f for f in found if f.__module__.startswith("kasane.")
                   and f.__module__ != "kasane.core.forms"),
                  key=lambda f: f"{f.__module__}.{f.__name__}")


FORMS = _all_forms()


def _kwargs(form_class: type[Any], city: Any, case: Any) -> dict[str, Any]:
    """The keyword arguments ``form_class.__init__`` names, from one small city."""
    params = inspect.signature(form_class.__init__).parameters
    muni = city.municipality
    plan = (SimpleNamespace(goals=[{"text": "生活リズムを整える"}, {"text": "就労"}])
            if form_class.__module__.startswith("kasane.cases")
            else SimpleNamespace(municipality_id=muni.pk))
    bag: dict[str, Any] = {
        "municipality": muni, "municipality_id": muni.pk, "user": city.recorder, "case": case,
        "plan": plan, "consents": [], "plans": [], "bodies": [], "units": [], "scale": None,
        "target": None, "allow_delete": True, "this_year": 2026,
        "weeks": [("2026-12-07", "R8.12.7〜")],
        "orgs": [(o.pk, o.name) for o in city.orgs.values()],
        "coordinators": [(city.coordinator.pk, "coordinator")],
        "users": [(city.recorder.pk, "recorder")],
        "user_choices": [(str(city.recorder.pk), "recorder")],
        "areas": [], "watchers": [], "members": [], "places": [("1", "居場所かさね")],
        "statuses": [("published", "公開")], "providers": [],
    }
    return {name: bag[name] for name in params if name in bag}


def _strategy(field: forms.Field) -> st.SearchStrategy[Any]:
    choices = [str(c[0]) for c in getattr(field, "choices", []) if not isinstance(c[1], list | tuple)]
    valid = st.sampled_from(choices) if choices else st.nothing()
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.lists(st.one_of(valid, hostile_value), max_size=3)
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "1", "false"]) | hostile_value
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.one_of(odd_integers, hostile_value)
    name = type(field).__name__
    if "Date" in name or "Time" in name:
        return st.one_of(odd_dates, hostile_value)
    return st.one_of(valid, hostile_value)


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f"{f.__module__.split('.')[1]}.{f.__name__}")
def test_every_form_answers_hostile_input_in_japanese(form_class: type[Any], city: Any,
                                                      tally: Counter[str]) -> None:
    from kasane.cases.tests.factories import setup_case

    case = setup_case(city).case
    kwargs = _kwargs(form_class, city, case)
    fields = form_class(**kwargs).fields
    field_values = st.fixed_dictionaries({name: _strategy(f) for name, f in fields.items()})

    @given(values=field_values)
    def check(values: dict[str, Any]) -> None:
        data = MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in values.items()})
        form = form_class(data=data, **kwargs)
        tally["inputs"] += 1
        valid = form.is_valid()
        for field, errors in form.errors.items():
            for message in errors:
                assert JAPANESE.search(message), f"{form_class.__name__}.{field}: {message!r}"
        if valid:
            for key, value in form.cleaned_data.items():
                assert "\x00" not in str(value), f"{form_class.__name__}.{key} accepted a NUL"
        form.as_div()

    check()


def test_it_finds_the_forms() -> None:
    names = {f.__name__ for f in FORMS}
    assert {"LoginForm", "PersonCreateForm", "ContactForm", "HoldForm", "DecisionForm"} <= names
    assert len(FORMS) >= 60
