"""Form helpers shared by every app's views (no models): one Japanese voice for every form's
messages (``JapaneseFormMixin``), the error summary, 和暦 date fields and the form screens'
POST → validate → service → redirect pattern."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from . import messages as texts
from .locking import Conflict
from .wareki import MSG_EMPTY, MSG_FORMAT, WarekiError, format_wareki, parse_date

# --- one Japanese voice ---------------------------------------------------------------------

_CHOICE_FIELDS = (forms.ChoiceField, forms.ModelChoiceField)  # Multiple… and Typed… inherit
_NUMBER_FIELDS = (forms.IntegerField, forms.FloatField, forms.DecimalField)


def _django_defaults(field: forms.Field) -> dict[str, Any]:
    """The messages Django gives a field of this class when nobody passes ``error_messages``."""
    merged: dict[str, Any] = {}
    for cls in reversed(type(field).__mro__):
        merged.update(getattr(cls, "default_error_messages", {}))
    return merged


def japanese_messages(field: forms.Field) -> dict[str, str]:
    """Kasane's messages (``core.messages``) for every error ``field`` can raise: required
    (「入力してください。」, 「選んでください。」 for choices, 「チェックを入れてください。」 for a
    checkbox), invalid, invalid choice, lengths, limits, dates. Validator messages (lengths,
    limits) are keyed by their code and filled with Django's parameters."""
    msgs: dict[str, str] = {"required": texts.REQUIRED, "invalid": texts.INVALID,
                            "invalid_choice": texts.INVALID_CHOICE,
                            "invalid_list": texts.INVALID_CHOICE,
                            "invalid_pk_value": texts.INVALID_CHOICE,
                            "list": texts.INVALID_CHOICE,
                            "max_length": texts.TOO_LONG.format(limit="%(limit_value)d",
                                                                length="%(show_value)d"),
                            "min_length": texts.TOO_SHORT.format(limit="%(limit_value)d"),
                            "min_value": texts.MIN_VALUE.format(limit="%(limit_value)s"),
                            "max_value": texts.MAX_VALUE.format(limit="%(limit_value)s"),
                            "null_characters_not_allowed": texts.NUL_CHARACTER}
    if isinstance(field, _CHOICE_FIELDS):
        msgs["required"] = texts.CHOOSE
    elif isinstance(field, forms.BooleanField):
        msgs["required"] = texts.CHECK
    elif isinstance(field, forms.FileField):
        msgs.update(required=texts.FILE_MISSING, missing=texts.FILE_MISSING,
                    empty=texts.FILE_EMPTY, invalid=texts.FILE_MISSING,
                    max_length="ファイル名は%(max)d文字以内にしてください。",
                    contradiction="ファイルを選ぶか、削除にチェックを入れるかのどちらかにしてください。")
    elif isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
        msgs["invalid"] = texts.WHOLE_NUMBER
    elif isinstance(field, _NUMBER_FIELDS):
        msgs.update(invalid=texts.INVALID_NUMBER,
                    max_digits="%(max)s桁以内の数で入力してください。",
                    max_decimal_places="小数点以下は%(max)s桁までで入力してください。",
                    max_whole_digits="整数部分は%(max)s桁以内で入力してください。")
    elif isinstance(field, forms.DateTimeField):
        msgs["invalid"] = texts.INVALID_DATETIME
    elif isinstance(field, forms.DateField):
        msgs["invalid"] = texts.INVALID_DATE
    return msgs


def use_japanese_messages(form: forms.BaseForm) -> None:
    """Replace Django's default messages on every field of ``form`` — messages a form passed
    itself (``error_messages={...}``) are kept."""
    for field in form.fields.values():
        defaults = _django_defaults(field)
        for code, text in japanese_messages(field).items():
            current = field.error_messages.get(code)
            if current is None or current == defaults.get(code):
                field.error_messages[code] = text


class JapaneseFormMixin:
    """Put first in a form's bases (``class F(JapaneseFormMixin, forms.Form)``): Django's
    default messages become Kasane's one voice (``core.messages``) — also on fields a form adds
    in its own ``__init__`` (applied when the form validates)."""

    def full_clean(self) -> None:
        use_japanese_messages(cast(forms.BaseForm, self))
        super().full_clean()  # type: ignore[misc]


class Form(JapaneseFormMixin, forms.Form):
    """``forms.Form`` in Kasane's voice: every app's plain forms derive from this."""


class ModelForm(JapaneseFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """``forms.ModelForm`` in Kasane's voice."""


def error_summary(form: forms.BaseForm) -> list[dict[str, str]]:
    """Every error of ``form`` for the summary on top: 「ラベル: メッセージ」 with the id of the
    field to link to (non-field errors first, as they are)."""
    rows = [{"text": str(e), "id": ""} for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        label = str(bound.label or "")
        target = "" if bound.is_hidden else str(bound.id_for_label or bound.auto_id or "")
        rows += [{"text": texts.at(label, str(e)), "id": target} for e in errors]
    return rows


def form_error_texts(form: forms.BaseForm) -> list[str]:
    """The summary's texts, for a form whose errors are shown on the next page (a message)."""
    return [row["text"] for row in error_summary(form)]


# --- 和暦 dates -------------------------------------------------------------------------------

DATE_PLACEHOLDER = "例: 令和8年12月9日"
DATETIME_PLACEHOLDER = "例: 令和8年12月9日 14:00"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_AT_END = re.compile(r"^(?P<date>.+?)(?:[\sT]+|(?<=日))(?P<h>\d{1,2})(?::|時)(?P<m>\d{1,2})分?$")


def _date_widget(placeholder: str) -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off",
                                  "placeholder": placeholder, "class": "date-input"})


def date_error_text(exc: WarekiError) -> str:
    """The catalogue's text for an unreadable date; the specific reason otherwise (存在しない
    日付です（令和8年2月30日）。, 令和は…からです。)."""
    text = str(exc).rstrip("。")
    return texts.INVALID_DATE if text in (MSG_FORMAT, MSG_EMPTY) else f"{text}。"


class WarekiDateField(forms.CharField):
    """A date typed in Japanese order, 和暦 or 西暦 (令和8年12月9日, R8.12.9, 2026-12-09 …; never
    the browser's mm/dd/yyyy picker); shown back in 和暦."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", _date_widget(DATE_PLACEHOLDER))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                return value
        return format_wareki(value) if isinstance(value, dt.date) else value

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_date(text)
        except WarekiError as exc:
            raise ValidationError(date_error_text(exc), code="invalid") from None

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)

    def run_validators(self, value: Any) -> None:
        return None  # max_length applies to the typed text (checked by the widget's maxlength)


def parse_datetime_text(text: str) -> dt.datetime:
    """令和8年12月9日 14:00, R8.12.9 9:30, 2026-12-09 14:00, 2026-12-09T14:00 → an aware
    datetime (local time); raise ValueError when it cannot be read."""
    s = unicodedata.normalize("NFKC", text).strip()
    m = _TIME_AT_END.match(s)
    if not m:
        raise ValueError(text)
    day = parse_date(m["date"])
    hour, minute = int(m["h"]), int(m["m"])
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(text)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def format_datetime_text(value: dt.datetime) -> str:
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_wareki(local.date())} {local:%H:%M}"


class WarekiDateTimeField(forms.CharField):
    """A date and time typed in Japanese order (令和8年12月9日 14:00, 2026-12-09 14:00); shown
    back the same way; an aware datetime."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", _date_widget(DATETIME_PLACEHOLDER))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                return value
        return format_datetime_text(value) if isinstance(value, dt.datetime) else value

    def to_python(self, value: Any) -> dt.datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_datetime_text(text)
        except (ValueError, WarekiError):
            raise ValidationError(texts.INVALID_DATETIME, code="invalid") from None

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)

    def run_validators(self, value: Any) -> None:
        return None


# --- form screens ------------------------------------------------------------------------------


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """``form.fields[name]`` typed as the ChoiceField it is (to set or read its choices)."""
    return cast(forms.ChoiceField, form.fields[name])


def choice_labels(form: forms.BaseForm, name: str) -> dict[str, str]:
    """{value: label} of a choice field with a plain list of choices (no groups)."""
    choices = cast(list[tuple[Any, Any]], choice_field(form, name).choices)
    return {str(value): str(label) for value, label in choices}


def add_service_errors(form: Any, exc: ValidationError, *,
                       labels: Mapping[str, str] | None = None, skip_known: bool = False) -> None:
    """Put a service's ValidationError on the form: per field where the form has that field
    (short, beside it; the summary names it), otherwise on top named by ``labels[key]`` (「戻す
    理由: …」). ``skip_known``: leave fields that already have an error alone (a service check
    run on a form that did not validate, so that every error shows at once)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            if name in form.fields:
                if not (skip_known and name in form.errors):
                    form.add_error(name, errors)
            elif name == NON_FIELD_ERRORS or not labels or name not in labels:
                form.add_error(None, errors)
            else:
                form.add_error(None, [texts.at(labels[name], e) for e in errors])
    else:
        form.add_error(None, exc.messages)


def check_invalid_form(form: Any, check: Callable[[dict[str, Any]], object] | None) -> None:
    """On a form that did not validate, run the service's own check on the fields that did
    (``check(cleaned_data)`` raises the service's ValidationError) so every error shows at
    once instead of one more per submit."""
    if check is None or not form.is_bound or not form.errors:
        return
    try:
        check(dict(getattr(form, "cleaned_data", {})))
    except ValidationError as exc:
        add_service_errors(form, exc, skip_known=True)


def form_page(request: HttpRequest, form: forms.BaseForm, act: Callable[[dict[str, Any]], str], *,
              template: str, context: dict[str, Any], success: str,
              on_conflict: Callable[[Conflict], HttpResponse] | str = "",
              names: dict[str, str] | None = None,
              check: Callable[[dict[str, Any]], object] | None = None) -> HttpResponse:
    """The POST → validate → service → redirect-or-render pattern of every form screen.

    On a valid POST ``act(cleaned_data)`` calls the service and returns the URL to go to;
    a service ValidationError lands on the form's fields (keys renamed by ``names``), 400;
    a ``Conflict`` (stale ``lock_version``) answers with ``on_conflict(exc)`` (the conflict
    page, 409) or, given a text, shows it on top of the form. ``check``: the service's
    validation without writing, run on an invalid form so all errors show at once."""
    if request.method == "POST" and not form.is_valid():
        check_invalid_form(form, check)
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


def service_error_texts(exc: ValidationError, labels: Mapping[str, str] | None = None) -> list[str]:
    """A service's messages for a page away from the fields: named by ``labels[key]``."""
    if not hasattr(exc, "error_dict"):
        return [str(m) for m in exc.messages]
    return [texts.at(labels[k], m) if labels and k in labels else str(m)
            for k, msgs in exc.message_dict.items() for m in msgs]


def perform(request: HttpRequest, operation: Callable[[], object], success: str, *,
            labels: Mapping[str, str] | None = None) -> bool:
    """One service call of a POST → redirect action (no form): its ValidationError becomes an
    error message on the next page (each message named by ``labels[key]``), a stale version a
    conflict message, success a success message. Returns whether it succeeded."""
    try:
        operation()
    except Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(service_error_texts(exc, labels)))
    else:
        if success:
            messages.success(request, success)
        return True
    return False
