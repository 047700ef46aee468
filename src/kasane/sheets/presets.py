"""Column presets for imports: LoGoフォーム exports of the standard sheets, and the mappings a
municipality saved (``ImportMapping``), reused when a file has the same header names.

A LoGoフォーム form built from a standard sheet exports one row per answer: the answer's
meta columns (``回答ID``, ``回答日時``, ``ステータス``), then one column per question, titled
with the question's title — the sheet's field label — except the 氏名 / フリガナ / 住所
parts, which LoGoフォーム splits into ``氏名（姓）`` ``氏名（名）`` ``フリガナ（セイ）``
``フリガナ（メイ）`` ``郵便番号`` ``住所`` …; choices come as their labels (the validator
accepts labels), several choices joined by commas or line breaks. The preset maps those
names; anything it does not know is left to the mapping screen, and whatever the user maps is
saved for the municipality (``mapping_save``) and reused by the next import of that form.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from kasane.accounts.models import Actor

from . import codec
from .models import ImportMapping

# LoGoフォーム's meta and person-part headers → the sheet's paths ({p} = the person field key).
LOGO_META = {"回答日時": "_written_on", "受付日時": "_written_on"}
LOGO_PERSON = {
    "氏名（姓）": "family_name", "氏名（名）": "given_name", "姓": "family_name", "名": "given_name",
    "フリガナ（セイ）": "family_name_kana", "フリガナ（メイ）": "given_name_kana",
    "セイ": "family_name_kana", "メイ": "given_name_kana", "生年月日": "birth_date",
    "性別": "sex", "郵便番号": "postal_code", "住所": "address", "電話番号": "phone",
    "携帯電話番号": "phone_mobile",
}
_LIST_SEPARATORS = re.compile(r"[,，、]\s*")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", (text or "").replace("(", "（").replace(")", "）"))


def logo_columns(schema: dict[str, Any]) -> dict[str, str]:
    """LoGoフォーム header (normalized) → field path for one sheet version."""
    cols = {c.path: c for c in codec.columns(schema) if codec.importable(c)}
    out = {_norm(h): p for h, p in LOGO_META.items() if p in cols}
    person = next((f for f in schema_fields(schema) if f["type"] == "person"), None)
    if person is not None:
        for header, sub in LOGO_PERSON.items():
            path = f"{person['key']}.{sub}"
            if path in cols:
                out.setdefault(_norm(header), path)
    for f in schema_fields(schema):
        if f["type"] != "person" and f["key"] in cols:
            out.setdefault(_norm(f["label"]), f["key"])
    return out


def schema_fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for sec in schema.get("sections", []) for f in sec["fields"]]


def logo_mapping(headers: list[str], schema: dict[str, Any]) -> dict[str, str]:
    """Column index → path of the headers a LoGoフォーム export names (meta, person parts,
    question titles)."""
    known = logo_columns(schema)
    mapping: dict[str, str] = {}
    for i, header in enumerate(headers):
        path = known.get(_norm(header))
        if path and path not in mapping.values():
            mapping[str(i)] = path
    return mapping


def multi_paths(schema: dict[str, Any]) -> set[str]:
    """Paths whose LoGoフォーム cells may join several choices with commas."""
    return {f["key"] for f in schema_fields(schema) if f["type"] in ("multi_choice", "multi_choice_main")
            or (f["type"] == "org_ref" and f.get("multiple"))}


def logo_cell(text: str) -> str:
    """「来所, 電話」 / 「来所、電話」 → 「来所;電話」 (the validator splits on ; and line breaks)."""
    return _LIST_SEPARATORS.sub(";", text)


def signature(headers: list[str]) -> str:
    return hashlib.sha256("\t".join(_norm(h) for h in headers).encode()).hexdigest()


def saved_mapping(*, municipality_id: int, code: str, headers: list[str]) -> dict[str, str] | None:
    """The municipality's saved mapping for exactly these header names (index → path)."""
    saved = ImportMapping.objects.filter(municipality_id=municipality_id, code=code,
                                         signature=signature(headers)).first()
    if saved is None:
        return None
    out: dict[str, str] = {}
    for i, header in enumerate(headers):
        path = saved.mapping.get(_norm(header))
        if path:
            out[str(i)] = path
    return out or None


def mapping_save(*, actor: Actor, code: str, headers: list[str], mapping: dict[str, str]) -> None:
    """Keep ``mapping`` (index → path) for the municipality, by header names."""
    by_name = {_norm(headers[int(i)]): p for i, p in mapping.items() if int(i) < len(headers)}
    ImportMapping.objects.update_or_create(
        municipality_id=actor.organization.municipality_id, code=code,
        signature=signature(headers),
        defaults={"headers": headers, "mapping": by_name, "updated_by_id": actor.user_id})


def initial_mapping(*, municipality_id: int, code: str, headers: list[str],
                    schema: dict[str, Any]) -> tuple[dict[str, str], str]:
    """(mapping, where it came from): the saved one; else by ``[key]`` / label
    (``codec.auto_map``) completed by the LoGoフォーム preset ("logo" when the preset mapped
    a column the labels did not)."""
    saved = saved_mapping(municipality_id=municipality_id, code=code, headers=headers)
    if saved:
        return saved, "saved"
    mapping = codec.auto_map(headers, codec.columns(schema))
    used = set(mapping.values())
    added = False
    for index, path in logo_mapping(headers, schema).items():
        if index not in mapping and path not in used:
            mapping[index] = path
            used.add(path)
            added = True
    return mapping, "logo" if added else ""
