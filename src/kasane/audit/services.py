"""Writing audit rows. Every other app calls these; nothing else writes AccessLog/ChangeRecord."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from kasane.core import bulk
from kasane.core.ids import in_id_range

from . import context
from .models import AccessLog, Basis, ChangeRecord


def _actor_ids(user: Any, organization_id: int | None) -> tuple[int | None, str, int | None, int | None]:
    ctx = context.current()
    user_id = getattr(user, "pk", None) if user is not None else ctx.user_id
    username = getattr(user, "username", "") if user is not None else ""
    org_id = organization_id if organization_id is not None else ctx.organization_id
    muni_id = getattr(user, "municipality_id", None) if user is not None else None
    return user_id, username, org_id, muni_id or ctx.municipality_id


def access_log(
    *,
    user: Any,
    action: str,
    basis: str,
    organization_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
    person_id: int | None = None,
    detail: str = "",
) -> AccessLog:
    """Record one allowed read/write (with its legal basis) or one denial (basis ``denied``)."""
    if basis not in Basis.values:
        raise ValueError(f"unknown basis {basis!r}")
    user_id, username, org_id, muni_id = _actor_ids(user, organization_id)
    ctx = context.current()
    if person_id is not None and not in_id_range(person_id):
        person_id = None  # a probe with an impossible id: kept in object_id only
    return AccessLog.objects.create(
        user_id=user_id,
        username=username[:150],
        organization_id=org_id,
        municipality_id=muni_id,
        action=action[:40],
        object_type=object_type[:60],
        object_id=str(object_id)[:64],
        person_id=person_id,
        basis=basis,
        detail=detail[:500],
        request_id=ctx.request_id,
        ip=ctx.ip,
    )


def access_log_many(
    *, user: Any, action: str, entries: Iterable[tuple[str, object, int | None, str]],
    organization_id: int | None = None, detail: str = "",
) -> int:
    """Bulk variant for lists/search results: entries are (object_type, id, person_id, basis)."""
    user_id, username, org_id, muni_id = _actor_ids(user, organization_id)
    ctx = context.current()
    common = {"user_id": user_id, "username": username[:150], "organization_id": org_id,
              "municipality_id": muni_id, "action": action[:40], "detail": detail[:500],
              "request_id": ctx.request_id, "ip": ctx.ip}
    rows = [{**common, "object_type": otype[:60], "object_id": str(oid)[:64], "person_id": pid,
             "basis": basis} for otype, oid, pid, basis in entries]
    bulk.insert_rows(AccessLog, rows)  # one COPY (PostgreSQL) / executemany per batch
    return len(rows)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, FieldFile):  # empty files have no url: check the type, not attributes
        return value.name or None
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Concrete field values of ``instance`` as JSON-ready data (FKs as ids)."""
    names = list(fields) if fields is not None else [
        f.attname for f in instance._meta.concrete_fields
    ]
    return {name: _jsonable(getattr(instance, name)) for name in names}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as ``{field: [old, new]}``."""
    keys = set(before) | set(after)
    return {
        k: [before.get(k), after.get(k)]
        for k in sorted(keys)
        if before.get(k) != after.get(k)
    }


def change_record(
    *,
    user: Any,
    instance: models.Model,
    operation: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    organization_id: int | None = None,
    reason: str = "",
    municipality_id: int | None = None,
) -> ChangeRecord | None:
    """Record a create/update/delete of a personal-data record. An update with no change
    records nothing and returns None. ``municipality_id`` names the tenant when the actor has
    none (the platform operator creating a municipality)."""
    if operation not in {"create", "update", "delete"}:
        raise ValueError(operation)
    changes = diff(before or {}, after if after is not None else snapshot(instance))
    if operation == "update" and not changes:
        return None
    user_id, _, org_id, muni_id = _actor_ids(user, organization_id)
    muni_id = municipality_id or muni_id
    return ChangeRecord.objects.create(
        user_id=user_id,
        organization_id=org_id,
        municipality_id=muni_id,
        model=instance._meta.label,
        object_id=str(instance.pk),
        operation=operation,
        changes=changes,
        reason=reason[:500],
        request_id=context.current().request_id,
    )


def change_record_many(*, user: Any, instances: Iterable[models.Model],
                       organization_id: int | None = None, reason: str = "",
                       fields: Iterable[Mapping[str, Any]] | None = None) -> int:
    """Bulk variant of ``change_record(operation="create")`` for an import: one ChangeRecord a
    created instance, inserted in batches. ``fields`` (one mapping an instance, same order):
    the values the caller set — recorded as they are instead of each instance's whole
    snapshot (the cheap path of a large import; empty values are left out either way)."""
    user_id, _, org_id, muni_id = _actor_ids(user, organization_id)
    request_id = context.current().request_id
    items = list(instances)
    given = list(fields) if fields is not None else [None] * len(items)
    rows: list[dict[str, Any]] = []
    for instance, values in zip(items, given, strict=True):
        changes = diff({}, snapshot(instance)) if values is None else {
            k: [None, _jsonable(v)] for k, v in values.items() if v not in (None, "")}
        rows.append({"user_id": user_id, "organization_id": org_id, "municipality_id": muni_id,
                     "model": instance._meta.label, "object_id": str(instance.pk),
                     "operation": "create", "changes": changes, "reason": reason[:500],
                     "request_id": request_id})
    bulk.insert_rows(ChangeRecord, rows)  # one COPY (PostgreSQL) / executemany per batch
    return len(rows)


def save_changes(instance: models.Model, changes: Mapping[str, Any], *, user: Any,
                 organization_id: int | None = None, reason: str = "") -> bool:
    """Set ``changes`` on a row (locked by the caller), save just those fields and record the
    difference. Returns False — and writes nothing — when every value is already so."""
    if all(getattr(instance, name) == value for name, value in changes.items()):
        return False
    before = snapshot(instance)
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.save(update_fields=list(changes))
    change_record(user=user, instance=instance, operation="update", before=before,
                  organization_id=organization_id, reason=reason)
    return True
