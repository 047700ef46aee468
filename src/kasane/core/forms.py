"""Form helpers shared by every app's views (no models)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .locking import Conflict


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


def form_page(request: HttpRequest, form: forms.BaseForm, act: Callable[[dict[str, Any]], str], *,
              template: str, context: dict[str, Any], success: str,
              on_conflict: Callable[[Conflict], HttpResponse] | str = "",
              names: dict[str, str] | None = None) -> HttpResponse:
    """The POST → validate → service → redirect-or-render pattern of every form screen.

    On a valid POST ``act(cleaned_data)`` calls the service and returns the URL to go to;
    a service ValidationError lands on the form's fields (keys renamed by ``names``), 400;
    a ``Conflict`` (stale ``lock_version``) answers with ``on_conflict(exc)`` (the conflict
    page, 409) or, given a text, shows it on top of the form."""
    if request.method == "POST" and form.is_valid():
        try:
            target = act(form.cleaned_data)
        except Conflict as exc:
            if callable(on_conflict):
                return on_conflict(exc)
            form.add_error(None, on_conflict or str(exc))
        except ValidationError as exc:
            if names and hasattr(exc, "error_dict"):
                exc = ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})
            add_service_errors(form, exc)
        else:
            if success:
                messages.success(request, success)
            return redirect(target)
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


def perform(request: HttpRequest, operation: Callable[[], object], success: str) -> bool:
    """One service call of a POST → redirect action (no form): its ValidationError becomes an
    error message on the next page, a stale version a conflict message, success a success
    message. Returns whether it succeeded."""
    try:
        operation()
    except Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if success:
            messages.success(request, success)
        return True
    return False
