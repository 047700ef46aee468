"""Japanese labels of the audit trail's codes: actions, object types, change operations.

Every app writes its own codes (``access_log(action="case.view", object_type="cases.Case")``,
``change_record`` with the model's label). Each app declares the labels of the codes it
writes in its own ``audit_labels`` module, which its ``AppConfig.ready()`` imports: the
module calls ``register`` here. The readers sit above every app (the auditor's screens) or
between them (the disclosure report of people), so the labels meet in a registry at the
ground floor, next to the rows they explain (docs/architecture.md "Registries").

An action or object type nobody registered is shown as its code: nothing is hidden.
``audit/tests/test_labels.py`` checks that every code the code base writes has a label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import models

from kasane.core.registry import Registry


@dataclass(frozen=True)
class Label:
    code: str
    label: str
    area: str


ACTIONS: Registry[Label] = Registry("audit action labels", unique=True)
OBJECTS: Registry[Label] = Registry("audit object type labels", unique=True)
OPERATIONS = {"create": "作成", "update": "変更", "delete": "削除"}
AREA_PREFIX = "area:"  # a filter value meaning "every action of this area"
_MODEL_LABEL = re.compile(r"[a-z_]+\.[A-Z]\w*")


def register(*, area: str, actions: Mapping[str, str] | None = None,
             objects: Mapping[str, str] | None = None,
             models: Iterable[type[models.Model]] = ()) -> None:
    """Labels of the codes one app writes. ``models`` are labelled by their verbose_name
    (``people.Person`` → 本人); ``objects`` names other object types and may override."""
    for code, label in (actions or {}).items():
        ACTIONS.add(code, Label(code, label, area))
    named = dict(objects or {})
    for model in models:
        named.setdefault(model._meta.label, str(model._meta.verbose_name))
    for code, label in named.items():
        OBJECTS.add(code, Label(code, label, area))


def action_label(code: str) -> str:
    return ACTIONS.one(code).label if code in ACTIONS else code


def object_label(code: str) -> str:
    return OBJECTS.one(code).label if code in OBJECTS else code


def object_display(code: str, object_id: object) -> str:
    """``people.Person`` 156 → 「本人 #156」; an id that is not a number (a login name) in
    brackets; no type → the id alone."""
    oid = str(object_id or "")
    if not code:
        return oid
    if not oid:
        return object_label(code)
    return f"{object_label(code)} #{oid}" if oid.isdigit() else f"{object_label(code)}（{oid}）"


def operation_label(code: str) -> str:
    return OPERATIONS.get(code, code)


def _grouped(registry: Registry[Label]) -> dict[str, list[Label]]:
    areas: dict[str, list[Label]] = {}
    for item in registry.values():
        areas.setdefault(item.area, []).append(item)
    return areas


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The 操作 filter: one group per area (in the apps' order), each starting with the whole
    area, then its actions by label."""
    return [(area, [(f"{AREA_PREFIX}{area}", f"{area}のすべての操作"),
                    *sorted(((i.code, i.label) for i in items), key=lambda c: c[1])])
            for area, items in _grouped(ACTIONS).items()]


def area_actions(area: str) -> list[str]:
    return [item.code for item in ACTIONS.values() if item.area == area]


def object_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return [(area, sorted(((i.code, i.label) for i in items), key=lambda c: c[1]))
            for area, items in _grouped(OBJECTS).items()]


def model_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """``object_choices`` of model labels only (``app.Model``: the change history's kinds)."""
    found = [(area, [(code, label) for code, label in group if _MODEL_LABEL.fullmatch(code)])
             for area, group in object_choices()]
    return [(area, group) for area, group in found if group]

