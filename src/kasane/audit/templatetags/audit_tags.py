"""Template filters of the auditor's screens: codes of the audit trail shown by name."""

from __future__ import annotations

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from kasane.audit import labels

register = template.Library()

register.filter("action_label", labels.action_label)
register.filter("operation_label", labels.operation_label)


@register.filter
def object_display(object_type: str, object_id: object) -> str:
    """``{{ row.object_type|object_display:row.object_id }}`` → 「本人 #156」."""
    return labels.object_display(object_type, object_id)


@register.filter
def field_label(field: str, model_label: str) -> str:
    """A changed field by its model field's Japanese name (``birth_date`` → 生年月日); the
    field's code when the model or field has none."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return field
    for name in (field, field.removesuffix("_id")):
        try:
            verbose = str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
        except (FieldDoesNotExist, AttributeError):
            continue
        return verbose if verbose != name.replace("_", " ") else field
    return field
