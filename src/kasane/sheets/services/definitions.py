"""Municipal edits of sheet definitions: add own fields to a sheet, or create an own sheet.

Every edit creates a new version (``SheetDefinition`` rows are never changed apart from
``is_current``); old records keep their version. Keys are never renamed or reused: a key
used by *any* earlier version of the sheet is refused.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kasane.accounts.models import Actor
from kasane.audit.models import Basis
from kasane.audit.services import access_log

from .. import loader, selectors
from .. import policy as sheet_policy
from .. import schema as sheet_schema
from ..models import SheetDefinition


def _used_keys(municipality_id: int, code: str) -> set[str]:
    used: set[str] = set()
    for d in selectors.definition_versions(municipality_id=municipality_id, code=code):
        used |= sheet_schema.all_keys(d.schema)
    return used


def _new_version(*, actor: Actor, code: str, schema: dict[str, Any],
                 base_version: int | None) -> SheetDefinition:
    muni = actor.organization.municipality_id
    latest = (SheetDefinition.objects.filter(municipality_id=muni, code=code)
              .order_by("-version").first())
    SheetDefinition.objects.filter(municipality_id=muni, code=code).update(is_current=False)
    definition = SheetDefinition.objects.create(
        municipality_id=muni, code=code, version=(latest.version + 1) if latest else 1,
        title=schema["title"], schema=schema, content_hash=sheet_schema.content_hash(schema),
        base_version=base_version, is_current=True, created_by=actor.user)
    access_log(user=actor.user, action="sheet_definition_version", basis=Basis.NOT_PERSONAL,
               organization_id=actor.organization_id, object_type="sheet_definition",
               object_id=definition.pk, detail=f"{code} 第{definition.version}版")
    return definition


def definition_add_fields(*, actor: Actor | None, code: str, section_title: str,
                          fields: list[dict[str, Any]]) -> SheetDefinition:
    """A new municipal version of ``code`` with ``fields`` appended in an own section."""
    actor = sheet_policy.require_definition_editor(actor)
    muni = actor.organization.municipality_id
    current = selectors.definition_current(municipality_id=muni, code=code)
    if not fields:
        raise ValidationError({"fields": ["追加する項目がありません。"]})
    with transaction.atomic():
        used = _used_keys(muni, code)
        extension = dict(current.schema.get("extension") or {"sections": []})
        sections = [dict(s) for s in extension.get("sections", [])]
        own = next((s for s in sections if s["title"] == section_title), None)
        if own is None:
            own = {"key": f"local_{len(sections) + 1}", "title": section_title or "独自項目",
                   "fields": []}
            sections.append(own)
        own["fields"] = [*own["fields"], *fields]
        try:
            for f in fields:
                if f.get("key") in used:
                    raise sheet_schema.SchemaError(
                        f"項目キー「{f['key']}」は既に使われています（過去の版を含む）。")
            standard_version = current.version if current.is_standard else current.base_version
            if standard_version is not None:
                base = (current.schema if current.is_standard else
                        SheetDefinition.objects.get(municipality__isnull=True, code=code,
                                                    version=standard_version).schema)
                schema = loader.apply_extension(base, {"sections": sections})
                base_version = standard_version
            else:  # an own sheet: no standard base
                schema = sheet_schema.add_fields(current.schema, section_key=own["key"],
                                                 section_title=own["title"], fields=fields,
                                                 used_keys=used)
                base_version = None
        except sheet_schema.SchemaError as exc:
            raise ValidationError({"fields": [str(exc)]}) from exc
        return _new_version(actor=actor, code=code, schema=schema, base_version=base_version)


def definition_create_own(*, actor: Actor | None, code: str, title: str,
                          description: str = "", tags: list[str] | None = None,
                          fields: list[dict[str, Any]]) -> SheetDefinition:
    """A municipality's own sheet (version 1); codes of standard sheets are reserved."""
    actor = sheet_policy.require_definition_editor(actor)
    muni = actor.organization.municipality_id
    if code in sheet_schema.STANDARD_CODES or SheetDefinition.objects.filter(code=code).filter(
            municipality__isnull=True).exists():
        raise ValidationError({"code": ["標準帳票のコードは使えません。"]})
    if SheetDefinition.objects.filter(municipality_id=muni, code=code).exists():
        raise ValidationError({"code": ["このコードの帳票は既にあります。"]})
    try:
        schema = sheet_schema.normalize({
            "code": code, "title": title, "description": description, "tags": tags or [],
            "sections": [{"key": "main", "title": title, "fields": fields}]})
    except sheet_schema.SchemaError as exc:
        raise ValidationError({"fields": [str(exc)]}) from exc
    if not fields:
        raise ValidationError({"fields": ["項目を1つ以上定義してください。"]})
    with transaction.atomic():
        return _new_version(actor=actor, code=code, schema=schema, base_version=None)
