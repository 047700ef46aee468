"""Loading the standard sheets from ``definitions/*.json`` (command and data migration).

Idempotent: an unchanged file does nothing; a changed file becomes a new version (the old
one stays, so old records keep rendering); a key may be added, never reused with another
type. Municipal versions built on the standard sheet are rebuilt on the new version with
their own added fields (``schema["extension"]``).
"""

from __future__ import annotations

from typing import Any

from . import schema as sheet_schema


def _types(schema: dict[str, Any]) -> dict[str, str]:
    return {f["key"]: f["type"] for f in sheet_schema.top_fields(schema)}


def check_compatible(old_versions: list[dict[str, Any]], new: dict[str, Any]) -> None:
    """Refuse a new version that reuses a key of an older version with another type."""
    new_types = _types(new)
    for old in old_versions:
        for key, old_type in _types(old).items():
            if key in new_types and new_types[key] != old_type:
                raise sheet_schema.SchemaError(
                    f"{new['code']}: 項目キー「{key}」の種類を {old_type} から {new_types[key]} に"
                    "変えることはできません（キーは再利用できません）。新しいキーを使ってください。")


def apply_extension(base: dict[str, Any], extension: dict[str, Any]) -> dict[str, Any]:
    schema = base
    used = sheet_schema.all_keys(base)
    for sec in extension.get("sections", []):
        schema = sheet_schema.add_fields(schema, section_key=sec["key"], section_title=sec["title"],
                                         fields=sec["fields"], used_keys=used)
        used |= {f["key"] for f in sec["fields"]}
    schema["extension"] = extension
    return schema


def sync_standard(Definition: Any, codes: tuple[str, ...] | None = None) -> dict[str, str]:  # noqa: N803
    """Bring the standard definitions in line with the files; returns {code: what happened}."""
    report: dict[str, str] = {}
    for code in codes or sheet_schema.STANDARD_CODES:
        schema = sheet_schema.load_file(code)
        digest = sheet_schema.content_hash(schema)
        versions = list(Definition.objects.filter(municipality__isnull=True, code=code)
                        .order_by("-version"))
        latest = versions[0] if versions else None
        if latest is not None and latest.content_hash == digest:
            report[code] = f"変更なし（第{latest.version}版）"
            continue
        check_compatible([v.schema for v in versions], schema)
        number = (latest.version + 1) if latest else 1
        Definition.objects.filter(municipality__isnull=True, code=code).update(is_current=False)
        Definition.objects.create(municipality=None, code=code, version=number,
                                  title=schema["title"], schema=schema, content_hash=digest,
                                  is_current=True)
        report[code] = f"第{number}版を登録"
        _rebuild_local(Definition, code, schema, number)
    return report


def _rebuild_local(Definition: Any, code: str, standard: dict[str, Any], number: int) -> None:  # noqa: N803
    for local in Definition.objects.filter(municipality__isnull=False, code=code, is_current=True):
        extension = local.schema.get("extension")
        if not extension:
            continue
        schema = apply_extension(standard, extension)
        Definition.objects.filter(pk=local.pk).update(is_current=False)
        Definition.objects.create(
            municipality_id=local.municipality_id, code=code, version=local.version + 1,
            title=schema["title"], schema=schema, content_hash=sheet_schema.content_hash(schema),
            base_version=number, is_current=True)
