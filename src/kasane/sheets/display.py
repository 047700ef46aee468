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
          masked: set[str] | dict[str, str], prefix: str = "",
          thumbs: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """``masked``: keys (機微) or ``{path: mask text}`` from ``masking.masks_for``;
    ``thumbs``: attachment id → thumbnail data URI (images)."""
    masks = masked if isinstance(masked, dict) else {key: SENSITIVE_MASK for key in masked}
    thumbs = thumbs or {}
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
            item["children"] = items(f["fields"], value or {}, labels, masks, prefix=f"{path}.",
                                     thumbs=thumbs)
        elif f["type"] == "file":
            item["text"] = text_of(f, value, labels)
            item["files"] = [{"id": i.get("id"), "name": i.get("name", ""),
                              "thumb": thumbs.get(i.get("id", 0), "")}
                             for i in (value or []) if isinstance(i, dict)]
        else:
            item["text"] = text_of(f, value, labels)
        out.append(item)
    return out


def sections(schema: dict[str, Any], answers: dict[str, Any], labels: dict[str, dict[int, str]],
             masked: set[str] | dict[str, str],
             thumbs: dict[int, str] | None = None) -> list[dict[str, Any]]:
    return [{"title": s["title"], "items": items(s["fields"], answers, labels, masked, thumbs=thumbs)}
            for s in schema["sections"]]


# 9マス printed as 3×3: the problem in the centre, cells 1–8 clockwise from the top left.
GRID_LAYOUT = [["cell_1", "cell_2", "cell_3"], ["cell_8", "center", "cell_4"],
               ["cell_7", "cell_6", "cell_5"]]


def nine_grid(sections: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The 3×3 table of a 9マス record from its rendered ``sections`` (masks already applied)."""
    by_key = {item["key"]: item for s in sections for item in s["items"]}
    return [[{"key": key, "label": by_key.get(key, {}).get("label", ""),
              "text": by_key.get(key, {}).get("text", ""), "center": key == "center"}
             for key in row] for row in GRID_LAYOUT]
