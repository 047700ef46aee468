"""Answers ↔ spreadsheet cells, shared by export and import (round-trippable).

One column per top-level field and per person-block field; repeating groups (``rows``) and
the household table as JSON in one cell; multi-choice as ``code;code``; ○/◎ as
``income◎;debt○`` (with an optional ``:いつから`` per code); booleans as はい/いいえ;
dates ISO; attachments as their file names (``a.pdf;b.jpg``, never re-imported). Headers read ``受付日 [received_on]`` so a re-import maps itself; a hand-made or
LoGoフォーム file is mapped by label on the mapping screen.
Cells starting with = + - @ TAB CR (or ') get a leading ' against formula injection; the
import removes exactly one leading '.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .validation import MAIN_MARK, SUB_MARK

SYSTEM_COLUMNS = [
    ("_id", "記録番号"), ("_status", "状態"), ("_written_on", "記入日"), ("_tags", "事業"),
    ("_organization", "記録機関"), ("_author", "記入者"), ("_person_id", "本人ID"),
]
IMPORTABLE_SYSTEM = {"_written_on", "_tags", "_person_id"}
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "'")
_HEADER_KEY = re.compile(r"\[([A-Za-z0-9_.]+)\]\s*$")


@dataclass(frozen=True)
class Column:
    path: str
    label: str
    field: dict[str, Any] | None  # None for system columns

    @property
    def header(self) -> str:
        return f"{self.label} [{self.path}]"


def columns(schema: dict[str, Any], *, system: bool = True) -> list[Column]:
    cols = [Column(p, label, None) for p, label in SYSTEM_COLUMNS] if system else []
    for sec in schema.get("sections", []):
        for f in sec["fields"]:
            if f["type"] == "person":
                cols.extend(Column(f"{f['key']}.{sub['key']}", f"{f['label']}・{sub['label']}", sub)
                            for sub in f["fields"])
            else:
                cols.append(Column(f["key"], f["label"], f))
    return cols


def neutralize(text: str) -> str:
    return "'" + text if text.startswith(_DANGEROUS) else text


def to_cell(field: dict[str, Any], value: Any) -> str:
    if value in (None, "", [], {}):
        return ""
    t = field["type"]
    if t == "boolean":
        return "はい" if value else "いいえ"
    if t == "multi_choice_main":
        since = value.get("since", {})
        parts = []
        for code in value.get("marked", []):
            mark = MAIN_MARK if code == value.get("main") else SUB_MARK
            parts.append(f"{code}{mark}" + (f":{since[code]}" if code in since else ""))
        return ";".join(parts)
    if t == "file":  # names only: a spreadsheet cannot carry the files (not re-imported)
        return ";".join(str(item.get("name", "")) for item in value if isinstance(item, dict))
    if t in {"rows", "person"}:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def record_row(record: Any, cols: list[Column], *, labels: dict[str, dict[int, str]],
               masked: set[str] | dict[str, str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """One export row; ``masked``: keys (機微) or ``{path: mask text}`` (``masking``)."""
    masks = masked if isinstance(masked, dict) else {k: "機微情報（記録機関のみ）" for k in masked}
    system = {
        "_id": str(record.pk), "_status": record.get_status_display(),
        "_written_on": record.written_on.isoformat(), "_tags": ";".join(record.tags),
        "_organization": labels["org"].get(record.organization_id, ""),
        "_author": labels["user"].get(record.author_id, ""),
        "_person_id": "" if record.person_id is None else str(record.person_id),
    }
    out = []
    for col in cols:
        if col.field is None:
            text = system[col.path]
        else:
            head, _, sub = col.path.partition(".")
            value = record.answers.get(head)
            if sub:
                value = (value or {}).get(sub)
            mask = masks.get(col.path) or masks.get(head)
            text = mask if mask and value not in (None, "", [], {}) else to_cell(col.field, value)
        out.append(neutralize(text))
    return out




def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def importable(col: Column) -> bool:
    """Answer columns except attachments (exported as file names only), and the importable
    system columns."""
    if col.field is None:
        return col.path in IMPORTABLE_SYSTEM
    return col.field["type"] != "file"


def auto_map(headers: list[str], cols: list[Column]) -> dict[str, str]:
    """Column index (as str) → field path, by ``[key]`` in the header, the key, or the label."""
    by_path = {c.path: c for c in cols}
    by_label: dict[str, str] = {}
    for c in cols:
        by_label.setdefault(_norm(c.label), c.path)
        if c.field is not None:
            by_label.setdefault(_norm(c.field["label"]), c.path)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for i, header in enumerate(headers):
        m = _HEADER_KEY.search(header or "")
        candidates = [m.group(1)] if m else []
        candidates += [(header or "").strip(), by_label.get(_norm(header or ""), "")]
        for path in candidates:
            if path in by_path and path not in used and importable(by_path[path]):
                mapping[str(i)] = path
                used.add(path)
                break
    return mapping


MappingPlan = list[tuple[int, str, str, str]]


def mapping_plan(mapping: dict[str, str]) -> MappingPlan:
    """``mapping`` parsed once per import: (column index, path, head, sub-key)."""
    out = []
    for index, path in mapping.items():
        head, _, sub = path.partition(".")
        out.append((int(index), path, head, sub))
    return out


def row_answers(cells: list[str], mapping: dict[str, str] | MappingPlan) -> tuple[dict[str, Any], dict[str, str]]:
    """Mapped cells → (raw answers for the validator, system values)."""
    plan = mapping_plan(mapping) if isinstance(mapping, dict) else mapping
    answers: dict[str, Any] = {}
    system: dict[str, str] = {}
    count = len(cells)
    for i, path, head, sub in plan:
        if i >= count:
            continue
        text = cells[i]
        if not text:
            continue
        text = (text[1:] if text[0] == "'" else text).strip()
        if not text:
            continue
        if head[0] == "_":
            system[path] = text
        elif sub:
            answers.setdefault(head, {})[sub] = text
        else:
            answers[head] = text
    return answers, system
