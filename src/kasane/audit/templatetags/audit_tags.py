"""Template filters of the auditor's screens: codes of the audit trail shown by name."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, ForeignObjectRel
from django.utils import timezone

from kasane.audit import labels
from kasane.audit.models import Basis
from kasane.core.wareki import format_wareki

register = template.Library()

register.filter("action_label", labels.action_label)
register.filter("operation_label", labels.operation_label)


@register.filter
def object_display(object_type: str, object_id: object) -> str:
    """``{{ row.object_type|object_display:row.object_id }}`` → 「本人 #156」."""
    return labels.object_display(object_type, object_id)


# Fields most models have without a Japanese verbose_name of their own.
COMMON_FIELDS = {"id": "ID", "created_at": "作成日時", "updated_at": "更新日時",
                 "created_by": "作成者", "updated_by": "更新者", "municipality": "自治体",
                 "organization": "組織", "user": "利用者", "person": "本人", "case": "ケース",
                 "meeting": "会議", "status": "状態", "note": "メモ", "order": "表示順",
                 "lock_version": "版（同時編集の確認用）", "opened_at": "受付日時",
                 "opened_by": "受付者", "opened_org": "受付機関", "person_ids": "本人ID"}


def _field(model_label: str, name: str) -> Field[Any, Any] | ForeignObjectRel | None:
    app_label, _, model_name = model_label.partition(".")
    try:  # a label for display only (never a decision): the registered model, if any
        model = apps.get_registered_model(app_label, model_name)
    except LookupError:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
    return None


@register.filter
def field_label(name: str, model_label: str) -> str:
    """A changed field by its Japanese name (``birth_date`` → 生年月日): the model field's
    verbose_name, a common field's name, else the code."""
    found = _field(model_label, name)
    if found is not None and not isinstance(found, ForeignObjectRel):
        verbose = str(found.verbose_name)
        if verbose != found.name.replace("_", " "):
            return verbose
        name = found.name
    return COMMON_FIELDS.get(name, name)


@register.simple_tag
def field_value(model_label: str, name: str, value: object) -> str:
    """A changed value as people read it: a choice by its label (``support_meeting`` →
    支援会議（法106条の6）), a date or time in 和暦 (local time), 「（空）」 for nothing."""
    if value is None or value == "":
        return "（空）"
    found = _field(model_label, name)
    choices = dict(getattr(found, "flatchoices", None) or ())
    if name == "basis" and not choices:  # legal bases are stored without choices
        choices = dict(Basis.choices)
    if choices and isinstance(value, str | int) and value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, str) and ISO_DATE.match(value):
        return _wareki(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?)?$")


def _wareki(value: str) -> str:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if "T" not in value:
        return format_wareki(parsed.date())
    local = timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed
    return f"{format_wareki(local.date())} {local:%H:%M}"


@register.filter
def values_open(model_label: str) -> bool:
    """Whether the change history shows this record kind's values without a reason."""
    from kasane.audit.selectors import values_open as is_open

    return is_open(model_label)
