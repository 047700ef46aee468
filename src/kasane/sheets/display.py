"""Read-only rendering of a record with its own definition version (page and PDF)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kasane.core.wareki import format_wareki

SENSITIVE_MASK = "機微情報（記録機関のみ）"


def _date(text: str) -> str:
    try:
        if "T" in text:
            d, _, t = text.partition("T")
            return f"{format_wareki(dt.date.fromisoformat(d))} {t}"
        return format_wareki(dt.date.fromisoformat(text))
    except ValueError:
        return text


def text_of(f: dict[str, Any], value: Any, labels: dict[str, dict[int, str]]) -> str:
    if value in (None, "", [], {}):
        return ""
    t = f["type"]
    choice = {c["code"]: c["label"] for c in f.get("choices", [])}
    if t == "boolean":
        return "はい" if value else "いいえ"
    if t in {"date", "datetime"}:
        return _date(str(value))
    if t == "choice":
        return choice.get(value, str(value))
    if t == "multi_choice":
        return "、".join(choice.get(v, v) for v in value)
    if t == "multi_choice_main":
        since = value.get("since", {})
        parts = []
        for code in value.get("marked", []):
            mark = "◎" if code == value.get("main") else "○"
            extra = f"（{since[code]}）" if code in since else ""
            parts.append(f"{mark}{choice.get(code, code)}{extra}")
        return "　".join(parts)
    if t in {"org_ref", "user_ref"}:
        names = labels["org" if t == "org_ref" else "user"]
        items = value if isinstance(value, list) else [value]
        return "、".join(names.get(v, f"#{v}") for v in items)
    if t == "file":
        return "、".join(str(item.get("name", "")) for item in value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def items(fields: list[dict[str, Any]], answers: dict[str, Any], labels: dict[str, dict[int, str]],
          masked: set[str] | dict[str, str], prefix: str = "") -> list[dict[str, Any]]:
    """``masked``: keys (機微) or ``{path: mask text}`` from ``masking.masks_for``."""
    masks = masked if isinstance(masked, dict) else {key: SENSITIVE_MASK for key in masked}
    out = []
    for f in fields:
        value = answers.get(f["key"])
        path = f"{prefix}{f['key']}"
        item: dict[str, Any] = {"label": f["label"], "key": f["key"], "type": f["type"],
                                "long": f["type"] == "longtext"}
        if path in masks and value:
            item["text"] = masks[path]
        elif f["type"] == "rows":
            item["columns"] = [sub["label"] for sub in f["fields"]]
            item["rows"] = [[text_of(sub, (row or {}).get(sub["key"]), labels) for sub in f["fields"]]
                            for row in (value or [])]
        elif f["type"] == "person":
            item["children"] = items(f["fields"], value or {}, labels, masks, prefix=f"{path}.")
        else:
            item["text"] = text_of(f, value, labels)
        out.append(item)
    return out


def sections(schema: dict[str, Any], answers: dict[str, Any], labels: dict[str, dict[int, str]],
             masked: set[str] | dict[str, str]) -> list[dict[str, Any]]:
    return [{"title": s["title"], "items": items(s["fields"], answers, labels, masked)}
            for s in schema["sections"]]
