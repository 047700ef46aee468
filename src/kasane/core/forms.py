"""Form helpers shared by every app's views (no models)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """``form.fields[name]`` typed as the ChoiceField it is (to set or read its choices)."""
    return cast(forms.ChoiceField, form.fields[name])


def choice_labels(form: forms.BaseForm, name: str) -> dict[str, str]:
    """{value: label} of a choice field with a plain list of choices (no groups)."""
    choices = cast(list[tuple[Any, Any]], choice_field(form, name).choices)
    return {str(value): str(label) for value, label in choices}


def add_service_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where the form has that field,
    otherwise on top (non-field errors)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
