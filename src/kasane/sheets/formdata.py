"""HTML form ⇄ answers: field names are answer paths (``person.family_name``,
``contacts.0.at``; ``problems.marked`` / ``problems.main`` for ○/◎; ``contacts.__rows`` holds
a repeating group's row count). System inputs start with ``_``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from kasane.core.wareki import WarekiError, format_wareki, parse_date


def _group(fields: list[dict[str, Any]], data: QueryDict, prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        name = prefix + f["key"]
        t = f["type"]
        if t == "multi_choice" or (t.endswith("_ref") and f.get("multiple")):
            value: Any = [v for v in data.getlist(name) if v]
        elif t == "multi_choice_main":
            value = _marks(f, data, name)
        elif t == "rows":
            try:
                count = min(int(data.get(f"{name}.__rows", "0") or 0), 200)
            except ValueError:
                count = 0
            value = [_group(f["fields"], data, f"{name}.{i}.") for i in range(count)]
        elif t == "person":
            value = _group(f["fields"], data, f"{name}.")
        elif t == "file":
            raw = data.get(f"{name}.__json", "")
            value = json.loads(raw) if raw else None
        else:
            value = data.get(name)
        if value not in (None, "", [], {}):
            out[f["key"]] = value
        elif t == "rows" and f"{name}.__rows" in data:
            out[f["key"]] = value  # keep blank rows on screen
    return out


def _marks(f: dict[str, Any], data: QueryDict, name: str) -> dict[str, Any] | None:
    """○/◎ of every choice: ``<name>.mark.<code>`` = "" | "marked" | "main" (one radio group
    a choice; the older ``<name>.marked`` checkboxes and ``<name>.main`` radio are read too).
    Two ◎ stay two (a list) — validation asks for one."""
    codes = [c["code"] for c in f["choices"]]
    marks = {code: data.get(f"{name}.mark.{code}", "") for code in codes}
    marked = [c for c in codes if marks[c] in {"marked", "main"}]
    marked += [v for v in data.getlist(f"{name}.marked") if v and v not in marked]
    mains = [c for c in codes if marks[c] == "main"]
    if data.get(f"{name}.main") and data[f"{name}.main"] not in mains:
        mains.append(data[f"{name}.main"])
    since = {c: data.get(f"{name}.since.{c}", "") for c in codes}
    if not marked and not mains:
        return None
    return {"marked": marked, "main": mains[0] if len(mains) == 1 else (mains or None),
            "since": {k: v for k, v in since.items() if v}}


def answers_from_post(schema: dict[str, Any], data: QueryDict) -> dict[str, Any]:
    fields = [f for sec in schema["sections"] for f in sec["fields"]]
    return _group(fields, data, "")


def apply_action(answers: dict[str, Any], action: str) -> dict[str, Any]:
    """``add:contacts`` appends a blank row; ``remove:contacts.2`` removes one;
    ``detach:signature.12`` takes attachment 12 off a file answer (the file itself stays until
    the orphan cleanup, so the history keeps what was submitted)."""
    verb, _, path = action.partition(":")
    if verb == "detach":
        key, _, pk = path.rpartition(".")
        items = answers.get(key)
        if isinstance(items, list) and pk.isdigit():
            answers[key] = [i for i in items if not (isinstance(i, dict) and i.get("id") == int(pk))]
        return answers
    parts = path.split(".")
    if verb == "remove":
        parts, index = parts[:-1], parts[-1]
    container: Any = answers
    for p in parts[:-1]:
        container = container.setdefault(p, {})
    if not isinstance(container, dict):
        return answers
    rows = container.get(parts[-1])
    rows = list(rows) if isinstance(rows, list) else []
    if verb == "add":
        rows.append({})
    elif verb == "remove" and index.isdigit() and int(index) < len(rows):
        rows.pop(int(index))
    container[parts[-1]] = rows
    return answers


@dataclass
class Widget:
    f: dict[str, Any]
    name: str
    value: Any = ""
    error: str = ""
    options: list[dict[str, Any]] = field(default_factory=list)
    children: list[Widget] = field(default_factory=list)
    rows: list[list[Widget]] = field(default_factory=list)
    hint: str = ""
    required: bool = False
    files: list[dict[str, Any]] = field(default_factory=list)

    @property
    def type(self) -> str:
        return str(self.f["type"])

    @property
    def dom_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


def _as_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _date_hint(value: Any) -> str:
    if not value:
        return ""
    try:
        d = parse_date(str(value)[:10] if "T" in str(value) else str(value))
    except (WarekiError, ValueError):
        return ""
    return format_wareki(d) if isinstance(d, dt.date) else ""


def build(fields: list[dict[str, Any]], answers: dict[str, Any], errors: dict[str, str],
          refs: dict[str, list[tuple[int, str]]], prefix: str = "",
          thumbs: dict[int, str] | None = None) -> list[Widget]:
    """``thumbs``: attachment id → thumbnail data URI (images), shown next to file answers."""
    thumbs = thumbs or {}
    widgets = []
    for f in fields:
        name = prefix + f["key"]
        value = answers.get(f["key"]) if isinstance(answers, dict) else None
        w = Widget(f=f, name=name, error=errors.get(name, ""),
                   required=f.get("required") is True)
        t = f["type"]
        if t in {"choice", "multi_choice"}:
            chosen = {_as_str(v) for v in (value if isinstance(value, list) else [value])}
            w.options = [{"code": c["code"], "label": c["label"], "on": c["code"] in chosen}
                         for c in f["choices"]]
        elif t == "multi_choice_main":
            value = value if isinstance(value, dict) else {}
            marked = set(value.get("marked") or [])
            since = value.get("since") or {}
            main = value.get("main")
            mains = {str(m) for m in main} if isinstance(main, list) else {_as_str(main)}
            w.options = [{"code": c["code"], "label": c["label"], "on": c["code"] in marked,
                          "main": c["code"] in mains, "since": since.get(c["code"], "")}
                         for c in f["choices"]]
        elif t in {"org_ref", "user_ref"}:
            chosen = {_as_str(v) for v in (value if isinstance(value, list) else [value])}
            w.options = [{"code": str(pk), "label": label, "on": str(pk) in chosen}
                         for pk, label in refs.get("org" if t == "org_ref" else "user", [])]
        elif t == "rows":
            rows = value if isinstance(value, list) else []
            w.rows = [build(f["fields"], row if isinstance(row, dict) else {}, errors, refs,
                            f"{name}.{i}.", thumbs) for i, row in enumerate(rows)]
        elif t == "person":
            w.children = build(f["fields"], value if isinstance(value, dict) else {}, errors,
                               refs, f"{name}.", thumbs)
        elif t == "file":
            w.value = json.dumps(value, ensure_ascii=False) if value else ""
            w.files = [{"id": i.get("id"), "name": i.get("name", ""), "thumb": thumbs.get(i.get("id", 0), "")}
                       for i in (value if isinstance(value, list) else []) if isinstance(i, dict)]
        else:
            w.value = _as_str(value)
            if t in {"date", "datetime"}:
                w.hint = _date_hint(w.value.replace("T", " ").split(" ")[0] if w.value else "")
        if t == "boolean":
            w.value = _as_str(value)
        widgets.append(w)
    return widgets


def sections(schema: dict[str, Any], answers: dict[str, Any], errors: dict[str, str],
             refs: dict[str, list[tuple[int, str]]],
             thumbs: dict[int, str] | None = None) -> list[dict[str, Any]]:
    return [{"key": s["key"], "title": s["title"], "page": s.get("page", 1),
             "widgets": build(s["fields"], answers, errors, refs, thumbs=thumbs)}
            for s in schema["sections"]]


def upload_names(schema: dict[str, Any]) -> list[str]:
    """Names of the file inputs (``signature.__upload``): the autosave never sends files."""
    return [f"{f['key']}.__upload" for sec in schema["sections"] for f in sec["fields"]
            if f["type"] == "file"]
