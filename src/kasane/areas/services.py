"""Writing the areas master: policy check → transaction → full_clean/write → audit rows.

The only writer of ``Area`` and ``AddressArea``. Every change of the table emits
``areas.address_table_changed`` inside the transaction so that apps above re-derive the areas
they store (resources re-derives its places). Imports read a whole file first and write
nothing when any row is wrong (Japanese messages naming file and row).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from kasane.accounts.models import Actor
from kasane.audit.models import Basis
from kasane.audit.services import access_log, change_record, snapshot

from . import policy
from .events import ADDRESS_TABLE_CHANGED
from .keys import prefix_key
from .models import AddressArea, Area, AreaKind
from .tabular import Row, Table, TableError, read_upload

KIND_BY_TEXT = {**{k.value: k.value for k in AreaKind}, **{k.label: k.value for k in AreaKind}}
AREA_HEADERS = ("種別", "コード", "名称")
AREA_OPTIONAL = ("上位コード", "境界")
ADDRESS_HEADER = "住所"


def _write_log(actor: Actor, action: str, instance: models.Model, operation: str,
           before: dict[str, Any] | None, detail: str = "") -> None:
    access_log(user=actor.user, action=f"areas.{action}", basis=Basis.NOT_PERSONAL,
               organization_id=actor.organization_id, object_type=instance._meta.label,
               object_id=instance.pk, detail=detail[:500])
    change_record(user=actor.user, instance=instance, operation=operation, before=before,
                  after=snapshot(instance) if operation != "delete" else {},
                  organization_id=actor.organization_id)


def _changed(actor: Actor) -> None:
    ADDRESS_TABLE_CHANGED.emit(municipality_id=policy.tenant_id(actor))


def area_save(*, actor: Actor, kind: str, code: str, name: str, parent: Area | None = None,
              boundary: dict[str, Any] | None = None, area: Area | None = None) -> Area:
    """Create an area, or change ``area`` (its kind and code stay). Codes are unique per kind."""
    policy.require_maintain(actor)
    muni_id = policy.tenant_id(actor)
    with transaction.atomic():
        before = snapshot(area) if area else None
        target = area or Area(municipality_id=muni_id, kind=kind, code=code.strip())
        if target.municipality_id != muni_id:
            raise ValidationError("この圏域は見つかりません。")
        target.name, target.parent, target.boundary = name.strip(), parent, boundary
        _check_parent(target)
        if area is None and Area.objects.filter(municipality_id=muni_id, kind=target.kind,
                                                code=target.code).exists():
            raise ValidationError({"code": "このコードはすでに使われています。"})
        target.full_clean(validate_constraints=False)
        target.save()
        _write_log(actor, "area.save", target, "update" if area else "create", before)
    return target


def _check_parent(area: Area) -> None:
    parent = area.parent
    if parent is None:
        return
    if parent.municipality_id != area.municipality_id:
        raise ValidationError({"parent": "上位の圏域が見つかりません。"})
    if area.kind == AreaKind.DAILY_LIFE_AREA:
        raise ValidationError({"parent": "日常生活圏域に上位の圏域は設定できません。"})
    if parent.pk == area.pk:
        raise ValidationError({"parent": "自分自身を上位にはできません。"})


def address_row_add(*, actor: Actor, prefix: str, area: Area) -> AddressArea:
    """One address-table row: addresses starting with ``prefix`` lie in ``area``."""
    policy.require_maintain(actor)
    muni_id = policy.tenant_id(actor)
    if area.municipality_id != muni_id:
        raise ValidationError({"area": "圏域が見つかりません。"})
    key = prefix_key(prefix)
    if not key:
        raise ValidationError({"prefix": "住所（町丁目まで）を入力してください。"})
    with transaction.atomic():
        if AddressArea.objects.filter(municipality_id=muni_id, prefix_key=key,
                                      kind=area.kind).exists():
            raise ValidationError({"prefix": f"この住所には{area.get_kind_display()}の対応がすでにあります。"})
        row = AddressArea.objects.create(municipality_id=muni_id, prefix=prefix.strip(),
                                         prefix_key=key, kind=area.kind, area=area)
        _write_log(actor, "address.add", row, "create", None)
        _changed(actor)
    return row


def address_row_delete(*, actor: Actor, row: AddressArea) -> None:
    policy.require_maintain(actor)
    if row.municipality_id != policy.tenant_id(actor):
        raise ValidationError("この行は見つかりません。")
    with transaction.atomic():
        before = snapshot(row)
        _write_log(actor, "address.delete", row, "delete", before)
        row.delete()
        _changed(actor)


# ---------------------------------------------------------------------------
# import (CSV / Excel)
# ---------------------------------------------------------------------------

@dataclass
class ImportResult:
    areas_created: int = 0
    areas_updated: int = 0
    addresses: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _AreaRow:
    line: int
    kind: str
    code: str
    name: str
    parent_code: str
    boundary: dict[str, Any] | None


def _is_area_table(table: Table) -> bool:
    return all(h in table.headers for h in AREA_HEADERS)


def _is_address_table(table: Table) -> bool:
    return ADDRESS_HEADER in table.headers and any(k.label in table.headers for k in AreaKind)


def _parse_area(table: Table, row: Row, errors: list[str]) -> _AreaRow | None:
    where = f"{table.name} {row.line}行目"
    kind = KIND_BY_TEXT.get(row.get("種別"))
    code, name = row.get("コード"), row.get("名称")
    problems = []
    if kind is None:
        problems.append("種別: 日常生活圏域・小地域・民生委員地区のいずれかを入力してください。")
    if not code:
        problems.append("コード: 入力してください。")
    elif len(code) > 20:
        problems.append("コード: 20文字以内で入力してください。")
    if not name:
        problems.append("名称: 入力してください。")
    boundary = None
    if row.get("境界"):
        try:
            boundary = json.loads(row.get("境界"))
            if not isinstance(boundary, dict) or "type" not in boundary:
                raise ValueError
        except ValueError:
            problems.append("境界: GeoJSON として読めません。")
    if problems:
        errors.extend(f"{where}: {p}" for p in problems)
        return None
    assert kind is not None
    return _AreaRow(row.line, kind, code, name, row.get("上位コード"), boundary)


def _unknown_headers(table: Table, known: set[str], errors: list[str]) -> None:
    unknown = [h for h in table.headers if h not in known]
    if unknown:
        errors.append(f"{table.name}: 知らない列があります（{'、'.join(unknown)}）。"
                      f"使える列は {'、'.join(sorted(known))} です。")


def read_tables(stream: IO[bytes], name: str) -> tuple[list[Table], list[Table]]:
    """Split an upload into area tables and address tables; refuse anything else."""
    try:
        tables = read_upload(stream, name)
    except TableError as exc:
        raise ValidationError(str(exc)) from exc
    area_tables = [t for t in tables if _is_area_table(t)]
    address_tables = [t for t in tables if _is_address_table(t)]
    if not area_tables and not address_tables:
        raise ValidationError(
            f"{name}: 圏域の表（列: 種別・コード・名称）か住所の対応表（列: 住所・日常生活圏域 …）"
            "が見つかりません。")
    return area_tables, address_tables


def import_table(*, actor: Actor, stream: IO[bytes], name: str,
                 dry_run: bool = False) -> ImportResult:
    """Import areas and/or the address table from one CSV or Excel file.

    Areas are matched by (kind, code) and created or renamed; an address table replaces the
    tenant's whole table. All rows are checked first: any error → ValidationError listing
    every row's message and nothing written. ``dry_run`` checks and counts, writes nothing.
    """
    policy.require_maintain(actor)
    area_tables, address_tables = read_tables(stream, name)
    errors: list[str] = []
    area_rows = [r for t in area_tables for row in t.rows
                 if (r := _parse_area(t, row, errors)) is not None]
    for t in area_tables:
        _unknown_headers(t, set(AREA_HEADERS) | set(AREA_OPTIONAL), errors)
    for t in address_tables:
        _unknown_headers(t, {ADDRESS_HEADER, *(k.label for k in AreaKind)}, errors)
    muni_id = policy.tenant_id(actor)
    result = ImportResult()
    with transaction.atomic():
        by_key = _write_areas(muni_id, area_rows, errors, result)
        if address_tables:
            _write_addresses(muni_id, address_tables, by_key, errors, result)
        if errors:
            raise ValidationError(errors)
        access_log(user=actor.user, action="areas.import", basis=Basis.NOT_PERSONAL,
                   organization_id=actor.organization_id, object_type="areas.Area",
                   detail=f"{name}: 圏域 新規{result.areas_created} 変更{result.areas_updated}"
                          f" 住所{result.addresses}")
        _changed(actor)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _write_areas(muni_id: int, rows: list[_AreaRow], errors: list[str],
                 result: ImportResult) -> dict[tuple[str, str], Area]:
    existing = {(a.kind, a.code): a for a in Area.objects.filter(municipality_id=muni_id)}
    seen: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r.kind, r.code)
        if key in seen:
            errors.append(f"{r.line}行目: コード {r.code} は {seen[key]}行目と重複しています。")
            continue
        seen[key] = r.line
        area = existing.get(key)
        if area is None:
            area = Area.objects.create(municipality_id=muni_id, kind=r.kind, code=r.code,
                                       name=r.name, boundary=r.boundary)
            existing[key] = area
            result.areas_created += 1
        elif area.name != r.name or (r.boundary is not None and area.boundary != r.boundary):
            area.name = r.name
            area.boundary = r.boundary if r.boundary is not None else area.boundary
            area.save(update_fields=["name", "boundary", "updated_at"])
            result.areas_updated += 1
    codes = {code: area for (kind, code), area in existing.items()}
    for r in rows:
        if not r.parent_code:
            continue
        parent = codes.get(r.parent_code)
        area = existing[(r.kind, r.code)]
        if parent is None or parent.kind == r.kind or r.kind == AreaKind.DAILY_LIFE_AREA:
            errors.append(f"{r.line}行目: 上位コード {r.parent_code} の圏域が見つかりません"
                          "（日常生活圏域・小地域のコードを入力してください）。")
        elif area.parent_id != parent.pk:
            area.parent = parent
            area.save(update_fields=["parent", "updated_at"])
    return existing


def _write_addresses(muni_id: int, tables: list[Table], areas: dict[tuple[str, str], Area],
                     errors: list[str], result: ImportResult) -> None:
    AddressArea.objects.filter(municipality_id=muni_id).delete()
    seen: dict[str, str] = {}
    new_rows: list[AddressArea] = []
    for table in tables:
        for row in table.rows:
            where = f"{table.name} {row.line}行目"
            prefix = row.get(ADDRESS_HEADER)
            key = prefix_key(prefix)
            if not key:
                errors.append(f"{where}: 住所: 入力してください。")
                continue
            if key in seen:
                errors.append(f"{where}: 住所「{prefix}」は {seen[key]} と重複しています。")
                continue
            seen[key] = f"{row.line}行目"
            new_rows.extend(_address_cells(muni_id, row, where, prefix, key, areas, errors))
    AddressArea.objects.bulk_create(new_rows)
    result.addresses = len(seen)


def _address_cells(muni_id: int, row: Row, where: str, prefix: str, key: str,
                   areas: dict[tuple[str, str], Area], errors: list[str]) -> list[AddressArea]:
    out = []
    for kind in AreaKind:
        code = row.get(kind.label)
        if not code:
            continue
        area = areas.get((kind.value, code))
        if area is None:
            errors.append(f"{where}: {kind.label}: コード {code} の圏域が登録されていません。")
            continue
        out.append(AddressArea(municipality_id=muni_id, prefix=prefix.strip(), prefix_key=key,
                               kind=kind.value, area=area))
    if not out and not any(row.get(k.label) for k in AreaKind):
        errors.append(f"{where}: 日常生活圏域・小地域・民生委員地区のどれかのコードを入力してください。")
    return out
