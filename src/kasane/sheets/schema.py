"""Sheet definitions as data: normalizing the JSON files in ``definitions/`` and walking them.

A definition file is written for people (choices as ``[code, label]`` pairs, shared choice
lists as ``"@problems"``, the person block as ``{"type": "person"}``). ``normalize()`` turns it
into the self-contained *stored* schema kept on each ``SheetDefinition`` version, so a record
always renders with exactly the fields it was written under, even after the files change.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"

STANDARD_CODES = (
    "intake_application", "intake_application_no_consent", "intake_assessment", "liaison",
    "comprehensive_consultation", "outreach", "participation", "area_issue", "support_plan",
    "closure_evaluation", "proposal", "nine_grid",
)

FIELD_TYPES = frozenset({
    "text", "longtext", "date", "datetime", "number", "choice", "multi_choice",
    "multi_choice_main", "boolean", "person_ref", "org_ref", "user_ref", "area_ref",
    "resource_ref", "meeting_ref", "file", "rows", "person",
})
CHOICE_TYPES = frozenset({"choice", "multi_choice", "multi_choice_main"})
TAGS = {
    "comprehensive": "包括的相談支援", "multi_agency": "多機関協働", "outreach": "アウトリーチ等",
    "participation": "参加支援", "community": "地域づくり",
}
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_FIELD_ATTRS = ("key", "label", "type", "required", "choices", "state", "binding", "help",
                "sensitive_allowed", "past", "kana", "multiple", "fields", "prefill",
                "unknown_name_allowed", "no_personal_data", "household_extra", "person_fields",
                "own_org_only")
# 機微 free text that only the recording organization ever reads (``masking``): text fields only.
OWN_ORG_ONLY_TYPES = frozenset({"text", "longtext"})


class SchemaError(ValueError):
    """A definition file or an edit that breaks the rules (message in Japanese)."""


@cache
def shared() -> dict[str, Any]:
    return json.loads((DEFINITIONS_DIR / "_shared.json").read_text(encoding="utf-8"))


def _choices(raw: Any) -> list[dict[str, str]]:
    if isinstance(raw, str) and raw.startswith("@"):
        raw = shared()["choices"][raw[1:]]
    out = []
    for item in raw:
        code, label = (item["code"], item["label"]) if isinstance(item, dict) else item
        out.append({"code": str(code), "label": str(label)})
    return out


def _person_fields(field: dict[str, Any]) -> list[dict[str, Any]]:
    base = copy.deepcopy(shared()["person"])
    wanted = field.get("person_fields")
    if wanted:
        base = [f for f in base if f["key"] in wanted]
    if field.get("household_extra"):
        for f in base:
            if f["key"] == "household":
                f["fields"].extend(copy.deepcopy(shared()["person_household_assessment"]))
    if field.get("unknown_name_allowed"):
        for f in base:
            if f["key"] in {"family_name", "given_name", "family_name_kana", "given_name_kana"}:
                f["required"] = "if identity_note empty"
        base.insert(0, {"key": "identity_note", "label": "氏名不詳のときの特徴・呼び名",
                        "type": "text", "help": "氏名が分からないときは空欄にして、ここに記入します。"})
    return base


def normalize_field(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """One author-level field → stored field(s) (an ``other`` choice adds ``<key>_other``)."""
    unknown = set(raw) - set(_FIELD_ATTRS)
    if unknown:
        raise SchemaError(f"{raw.get('key')}: 未知の属性 {sorted(unknown)}")
    key, ftype = raw.get("key", ""), raw.get("type", "")
    if not KEY_RE.match(key):
        raise SchemaError(f"項目キー「{key}」は英小文字・数字・_ で始まりは英字にしてください。")
    if ftype not in FIELD_TYPES:
        raise SchemaError(f"{key}: 種類「{ftype}」はありません。")
    field: dict[str, Any] = {"key": key, "label": raw.get("label") or key, "type": ftype}
    if raw.get("own_org_only"):
        if ftype not in OWN_ORG_ONLY_TYPES:
            raise SchemaError(f"{key}: 記録機関のみの指定は文字の項目だけにできます。")
        field["own_org_only"] = True
    for attr in ("required", "state", "binding", "help", "sensitive_allowed", "past", "kana",
                 "multiple", "prefill", "no_personal_data"):
        if raw.get(attr) not in (None, False, ""):
            field[attr] = raw[attr]
    if ftype in CHOICE_TYPES:
        if "choices" not in raw:
            raise SchemaError(f"{key}: 選択肢がありません。")
        field["choices"] = _choices(raw["choices"])
        codes = [c["code"] for c in field["choices"]]
        if len(codes) != len(set(codes)):
            raise SchemaError(f"{key}: 選択肢コードが重複しています。")
    elif ftype == "rows":
        field["fields"] = [f for sub in raw.get("fields", []) for f in normalize_field(sub)]
    elif ftype == "person":
        field["fields"] = [f for sub in _person_fields(raw) for f in normalize_field(sub)]
        if raw.get("unknown_name_allowed"):
            field["unknown_name_allowed"] = True
    out = [field]
    if ftype in CHOICE_TYPES and "other" in [c["code"] for c in field["choices"]]:
        out.append({"key": f"{key}_other", "label": f"{field['label']}（その他の内容）",
                    "type": "text", "required": f"if {key} == other", "other_of": key})
    return out


def normalize(raw: dict[str, Any]) -> dict[str, Any]:
    """Author-level definition → stored schema (self-contained, keys unique)."""
    code = raw.get("code", "")
    if not KEY_RE.match(code):
        raise SchemaError(f"帳票コード「{code}」が正しくありません。")
    sections = []
    for sec in raw.get("sections", []):
        fields: list[dict[str, Any]] = []
        for f in sec.get("fields", []):
            fields.extend(normalize_field(f) if "other_of" not in f else [f])
        sections.append({"key": sec["key"], "title": sec.get("title", ""),
                         "page": sec.get("page", 1), "fields": fields})
    schema = {
        "code": code, "title": raw.get("title") or code, "description": raw.get("description", ""),
        "tags": [t for t in raw.get("tags", []) if t in TAGS],
        "personal_data": raw.get("personal_data", True), "routed": bool(raw.get("routed")),
        "layout": raw.get("layout", ""), "rules": raw.get("rules", []), "sections": sections,
    }
    keys = [f["key"] for f in top_fields(schema)]
    dupes = {k for k in keys if keys.count(k) > 1}
    if dupes:
        raise SchemaError(f"項目キーが重複しています: {', '.join(sorted(dupes))}")
    return schema


def content_hash(schema: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(schema, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def load_file(code: str) -> dict[str, Any]:
    path = DEFINITIONS_DIR / f"{code}.json"
    return normalize(json.loads(path.read_text(encoding="utf-8")))


def top_fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for sec in schema.get("sections", []) for f in sec["fields"]]


def field_map(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for f in top_fields(schema)}


def all_keys(schema: dict[str, Any]) -> set[str]:
    """Every key ever used at the top level (a new version may add, never rename or reuse)."""
    return set(field_map(schema))


def add_fields(schema: dict[str, Any], *, section_key: str, section_title: str,
               fields: list[dict[str, Any]], used_keys: set[str]) -> dict[str, Any]:
    """A copy of ``schema`` with municipality-added fields (keys never reused)."""
    new = copy.deepcopy(schema)
    normalized = [g for f in fields for g in normalize_field(f)]
    for f in normalized:
        if f["key"] in used_keys or f["key"] in field_map(new):
            raise SchemaError(f"項目キー「{f['key']}」は既に使われています（過去の版を含む）。")
    target = next((s for s in new["sections"] if s["key"] == section_key), None)
    if target is None:
        target = {"key": section_key, "title": section_title or "独自項目", "page": 1, "fields": []}
        new["sections"].append(target)
    target["fields"].extend(normalized)
    return new
