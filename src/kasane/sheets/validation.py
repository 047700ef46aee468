"""Validating sheet answers against a stored schema: pure functions, no database.

``validate(schema, answers, submit=…, today=…, refs=…)`` takes what a form, the API or an
import row sends (typed JSON or plain strings), and returns the canonical answers plus
per-field Japanese errors keyed by path (``problems``, ``person.family_name``,
``contacts.0.at``). Drafts (``submit=False``) may be partial; every other rule still applies.

Messages are in the one voice of ``kasane.core.messages``: short beside the field
(「入力してください。」「未来の日付は入力できません。」); ``named(schema, errors)`` names each
field for a summary, an import row or an API answer (「生年月日: 未来の日付は入力できません。」).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kasane.core import messages
from kasane.core.text import is_kana, to_katakana
from kasane.core.wareki import MSG_EMPTY, MSG_FORMAT, WarekiError, parse_date

MAIN_MARK, SUB_MARK = "◎", "○"
TEXT_MAX, LONGTEXT_MAX = 200, 10000
TRUE_WORDS = {"true", "1", "はい", "yes", "y", "○", "on", "あり", "有"}
FALSE_WORDS = {"false", "0", "いいえ", "no", "n", "×", "off", "なし", "無"}
_PHONE_LIKE = re.compile(r"0\d{1,4}-?\d{1,4}-?\d{3,4}")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")
EMPTY: tuple[Any, ...] = (None, "", [], {})


MANY_MAINS = "◎（いちばん困っていること）は1つだけにしてください。"
MAIN_NOT_MARKED = "◎は○を付けた項目に付けてください。"
NO_MAIN = "○が2つ以上あるときは、いちばん困っていること（◎）を1つ選んでください。"
UNKNOWN_FIELD = "この項目は帳票の定義にありません。"
_CHOSEN = frozenset({"choice", "multi_choice", "multi_choice_main", "boolean", "org_ref",
                     "user_ref"})


def required_message(f: Mapping[str, Any]) -> str:
    """The short message beside an empty required field, by how it is answered."""
    if f["type"] == "file":
        return messages.FILE_MISSING
    if f["type"] == "rows":
        return "1行以上入力してください。"
    return messages.CHOOSE if f["type"] in _CHOSEN else messages.REQUIRED


def date_message(exc: WarekiError) -> str:
    """A date that could not be read, in the catalogue's voice."""
    text = str(exc)
    if text in {MSG_FORMAT, MSG_EMPTY}:
        return messages.INVALID_DATE
    return text if text.endswith("。") else text + "。"


@dataclass
class Refs:
    """What reference fields may point at (ids, and names accepted from imports)."""

    org_ids: set[int] | None = None
    user_ids: set[int] | None = None
    org_names: dict[str, int] = field(default_factory=dict)
    user_names: dict[str, int] = field(default_factory=dict)


@dataclass
class Result:
    answers: dict[str, Any]
    errors: dict[str, str]
    warnings: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class FieldError(ValueError):
    pass


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()


def _split(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return [v for v in value if v not in EMPTY]
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[;；\n]", value) if p.strip()]
    return [value]


def _text(f: Mapping[str, Any], value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError("文字で入力してください。")
    text = str(value).replace("\r\n", "\n").strip()
    limit = LONGTEXT_MAX if f["type"] == "longtext" else TEXT_MAX
    if f["type"] != "longtext" and "\n" in text:
        text = " ".join(text.split("\n"))
    if len(text) > limit:
        raise FieldError(messages.TOO_LONG.format(limit=limit, length=len(text)))
    if f.get("kana") and text:
        if not is_kana(text):
            raise FieldError("カタカナかひらがなで入力してください（漢字・英数字は使えません）。")
        text = to_katakana(text)
    return text


def _date(f: Mapping[str, Any], value: Any, today: dt.date) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        d = value
    elif isinstance(value, str):
        try:
            d = parse_date(value)
        except WarekiError as exc:
            raise FieldError(date_message(exc)) from exc
    else:
        raise FieldError(messages.INVALID_DATE)
    if f.get("past") and d > today:
        raise FieldError(messages.FUTURE_DATE)
    return d.isoformat()


# ISO 8601 as APIs send it: 2026-11-20T10:00:00+09:00, …Z, seconds and fractions optional.
_ISO_DATETIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$")


def _local(value: dt.datetime) -> dt.datetime:
    """An aware date-time in the municipality's time (settings.TIME_ZONE); a naive one as is."""
    if value.tzinfo is None:
        return value
    from django.utils import timezone

    return timezone.localtime(value)


def _datetime(f: Mapping[str, Any], value: Any, today: dt.date) -> str:
    if isinstance(value, str) and _ISO_DATETIME_RE.match(value.strip()):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise FieldError(messages.INVALID_DATETIME) from exc
    if isinstance(value, dt.datetime):
        value = _local(value)
        return _date(f, value.date(), today) + "T" + value.strftime("%H:%M")
    if not isinstance(value, str):
        raise FieldError(messages.INVALID_DATETIME)
    text = _nfkc(value).replace("T", " ")
    date_part, _, time_part = text.rpartition(" ") if " " in text else (text, "", "")
    iso = _date(f, date_part, today)
    if not time_part:
        raise FieldError("時刻も入力してください（例: 令和8年12月9日 14:00）。")
    m = _TIME_RE.match(time_part)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise FieldError("時刻は 14:00 のように入力してください。")
    return f"{iso}T{int(m.group(1)):02d}:{m.group(2)}"


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise FieldError(messages.INVALID_NUMBER)
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        text = _nfkc(value).replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise FieldError(messages.INVALID_NUMBER) from None
        return int(number) if number.is_integer() else number
    raise FieldError(messages.INVALID_NUMBER)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = _nfkc(str(value)).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldError("「はい」か「いいえ」で答えてください。")


def _code(f: Mapping[str, Any], value: Any) -> str:
    text = _nfkc(str(value))
    for c in f["choices"]:
        if text == c["code"] or text == c["label"]:
            return c["code"]
    raise FieldError(f"「{text}」は選択肢にありません。{messages.INVALID_CHOICE}")


def _ordered(f: Mapping[str, Any], codes: set[str]) -> list[str]:
    return [c["code"] for c in f["choices"] if c["code"] in codes]


def _multi(f: Mapping[str, Any], value: Any) -> list[str]:
    return _ordered(f, {_code(f, v) for v in _split(value)})


def _multi_main(f: Mapping[str, Any], value: Any, submit: bool) -> dict[str, Any]:
    marked: set[str] = set()
    mains: list[str] = []
    since: dict[str, str] = {}
    if isinstance(value, str):
        for token in _split(value):
            token, _, when = token.partition(":")
            token = token.strip()
            is_main = token.endswith(MAIN_MARK)
            code = _code(f, token.rstrip(MAIN_MARK + SUB_MARK + "〇"))
            marked.add(code)
            if is_main:
                mains.append(code)
            if when.strip():
                since[code] = when.strip()
    elif isinstance(value, Mapping):
        unknown = set(value) - {"marked", "main", "since"}
        if unknown:
            raise FieldError(f"使えない指定（{', '.join(sorted(unknown))}）を外してください。")
        marked = {_code(f, v) for v in _split(value.get("marked") or [])}
        raw_main = value.get("main")
        mains = [_code(f, m) for m in _split(raw_main)] if raw_main not in EMPTY else []
        for code, when in (value.get("since") or {}).items():
            if str(when).strip():
                since[_code(f, code)] = str(when).strip()[:TEXT_MAX]
    else:
        raise FieldError(messages.INVALID)
    if len(set(mains)) > 1:
        raise FieldError(MANY_MAINS)
    main = mains[0] if mains else None
    if main is not None and main not in marked:
        raise FieldError(MAIN_NOT_MARKED)
    if main is None and len(marked) == 1:
        main = next(iter(marked))  # a lone ○ counts as ◎
    if submit and main is None and len(marked) >= 2:
        raise FieldError(NO_MAIN)
    if not marked:
        return {}
    out: dict[str, Any] = {"marked": _ordered(f, marked), "main": main}
    if since:
        out["since"] = {c: since[c] for c in _ordered(f, set(since) & marked)}
    return out


def _ref_id(value: Any, ids: set[int] | None, names: dict[str, int], what: str) -> int:
    if isinstance(value, bool):
        raise FieldError(messages.CHOOSE)
    if isinstance(value, str):
        text = _nfkc(value)
        if text in names:
            return names[text]
        if not text.isdigit():
            raise FieldError(f"{what}「{text}」が見つかりません。{messages.INVALID_CHOICE}")
        value = int(text)
    if not isinstance(value, int):
        raise FieldError(messages.CHOOSE)
    if ids is not None and value not in ids:
        raise FieldError(f"{what}（番号 {value}）が見つかりません。{messages.INVALID_CHOICE}")
    return value


def _ref(f: Mapping[str, Any], value: Any, refs: Refs) -> Any:
    def one(v: Any) -> Any:
        if f["type"] == "org_ref":
            return _ref_id(v, refs.org_ids, refs.org_names, "機関")
        if f["type"] == "user_ref":
            return _ref_id(v, refs.user_ids, refs.user_names, "担当者")
        if f["type"] == "person_ref":
            return _ref_id(v, None, {}, "本人")
        return _text({"type": "text"}, v)  # area/resource/meeting: a code until those apps land

    if f.get("multiple"):
        seen: list[Any] = []
        for v in _split(value):
            item = one(v)
            if item not in seen:
                seen.append(item)
        return seen
    if isinstance(value, list | tuple):
        raise FieldError("1つだけ選んでください。")
    return one(value)


def _file(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        value = _json(value, list)
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), int):
            raise FieldError("添付ファイルを選び直してください。")
        out.append({"id": item["id"], "name": str(item.get("name", ""))[:200]})
    if len(out) > 10:
        raise FieldError("添付は10件以内にしてください。")
    return out


def _json(value: Any, kind: type) -> Any:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise FieldError(messages.INVALID) from None
    if not isinstance(value, kind):
        raise FieldError(messages.INVALID)
    return value


def _is_empty(value: Any) -> bool:
    return value in EMPTY or (isinstance(value, str) and not value.strip())


def _lookup(key: str, scope: Mapping[str, Any], root: Mapping[str, Any]) -> Any:
    return scope[key] if key in scope else root.get(key)


@functools.lru_cache(maxsize=512)
def _parse_condition(cond: str) -> tuple[str, str, frozenset[str]]:
    parts = cond.removeprefix("if ").split()
    return parts[0], parts[1], frozenset(" ".join(parts[2:]).split(","))


def condition_holds(cond: Any, scope: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    """``True``/``False``, or "if KEY == V", "if KEY != V", "if KEY in A,B", "if KEY filled|empty"."""
    if isinstance(cond, bool):
        return cond
    key, op, wanted = _parse_condition(str(cond))
    value = _lookup(key, scope, root)
    if op in {"filled", "empty"}:
        return _is_empty(value) == (op == "empty")
    if isinstance(value, Mapping):  # multi_choice_main
        present = set(value.get("marked", []))
    elif isinstance(value, list):
        present = {str(v) for v in value}
    elif isinstance(value, bool):
        present = {"true" if value else "false"}
    else:
        present = set() if value is None else {str(value)}
    hit = bool(present & wanted)
    return hit if op in {"==", "in"} else not hit


class _Validator:
    def __init__(self, *, submit: bool, today: dt.date, refs: Refs) -> None:
        self.submit, self.today, self.refs = submit, today, refs
        self.errors: dict[str, str] = {}
        self.warnings: dict[str, str] = {}

    def value(self, f: Mapping[str, Any], raw: Any, path: str) -> Any:
        t = f["type"]
        if t in {"text", "longtext"}:
            text = _text(f, raw)
            if f.get("no_personal_data") and _PHONE_LIKE.search(_nfkc(text)):
                self.warnings[path] = "電話番号のような記載があります。個人が特定できる情報は書かないでください。"
            return text
        if t == "date":
            return _date(f, raw, self.today)
        if t == "datetime":
            return _datetime(f, raw, self.today)
        if t == "number":
            return _number(raw)
        if t == "boolean":
            return _boolean(raw)
        if t == "choice":
            return _code(f, raw)
        if t == "multi_choice":
            return _multi(f, raw)
        if t == "multi_choice_main":
            return _multi_main(f, raw, self.submit)
        if t in {"org_ref", "user_ref", "person_ref", "area_ref", "resource_ref", "meeting_ref"}:
            return _ref(f, raw, self.refs)
        if t == "file":
            return _file(raw)
        if t == "rows":
            rows = _json(raw, list)
            out = []
            for i, row in enumerate(r for r in rows if not _is_empty(r)):
                if not isinstance(row, Mapping):
                    raise FieldError(messages.INVALID)
                clean = self.group(f["fields"], row, f"{path}.{i}.")
                if clean:
                    out.append(clean)
            return out
        if t == "person":
            return self.group(f["fields"], _json(raw, dict), f"{path}.")
        raise FieldError("この項目の種類には対応していません。")

    def group(self, fields: list[dict[str, Any]], answers: Mapping[str, Any], prefix: str,
              root: Mapping[str, Any] | None = None) -> dict[str, Any]:
        known = {f["key"]: f for f in fields}
        for key in answers:
            if key not in known:
                self.errors[f"{prefix}{key}"] = UNKNOWN_FIELD
        out: dict[str, Any] = {}
        for f in fields:
            raw = answers.get(f["key"])
            if raw is None or raw == "" or (raw.__class__ is not str and _is_empty(raw)) or (
                    raw.__class__ is str and raw.isspace()):
                continue
            try:
                value = self.value(f, raw, prefix + f["key"])
            except FieldError as exc:
                self.errors[prefix + f["key"]] = str(exc)
                continue
            if not _is_empty(value):
                out[f["key"]] = value
        if self.submit:
            top = out if root is None else root
            for f in fields:
                required = f.get("required")
                if not required or f["key"] in out:
                    continue
                path = prefix + f["key"]
                inner = any(p.startswith(path + ".") for p in self.errors)
                if path not in self.errors and not inner and condition_holds(required, out, top):
                    self.errors[path] = required_message(f)
        return out


def validate(schema: Mapping[str, Any], answers: Any, *, submit: bool, today: dt.date,
             refs: Refs | None = None) -> Result:
    """Check ``answers`` against ``schema``; canonical answers + per-path errors."""
    v = _Validator(submit=submit, today=today, refs=refs or Refs())
    if not isinstance(answers, Mapping):
        return Result({}, {"__all__": "回答はオブジェクト（項目キー: 値）で送ってください。"})
    fields = [f for sec in schema.get("sections", []) for f in sec["fields"]]
    out = v.group(fields, answers, "")
    _post_rules(schema, fields, out, v)
    return Result(out, v.errors, v.warnings)


def _post_rules(schema: Mapping[str, Any], fields: list[dict[str, Any]], out: dict[str, Any],
                v: _Validator) -> None:
    keys = {f["key"] for f in fields}
    # DV・虐待 forces 閲覧制限の検討 (spec/sheets.md §0).
    if "restriction_requested" in keys and any(
            isinstance(val, dict) and "dv_abuse" in val.get("marked", []) for val in out.values()):
        out["restriction_requested"] = True
        v.errors.pop("restriction_requested", None)
    if not v.submit:
        return
    for rule in schema.get("rules", []):
        if rule.get("kind") == "at_least_one" and not any(k in out for k in rule["keys"]):
            v.errors[rule["keys"][0]] = rule.get("message") or "1つ以上入力してください。"


def _walk(schema: Mapping[str, Any], path: str) -> tuple[str, tuple[int, ...]] | None:
    """(label, position in the form) of an error path; None for an unknown key."""
    fields: list[Mapping[str, Any]] = [f for sec in schema.get("sections", []) for f in sec["fields"]]
    parts = path.split(".")
    label = ""
    position: tuple[int, ...] = ()
    i = 0
    while i < len(parts):
        index = next((n for n, f in enumerate(fields) if f["key"] == parts[i]), None)
        if index is None:
            return None
        f = fields[index]
        position += (index,)
        i += 1
        if f["type"] == "person":
            label = f["label"] if i == len(parts) else ""
        elif f["type"] == "rows" and i < len(parts) and parts[i].isdigit():
            label = f"{f['label']} {int(parts[i]) + 1}・"
            position += (int(parts[i]),)
            i += 1
        else:
            label += f["label"]
        fields = f.get("fields", [])
    return label, position


def label_for(schema: Mapping[str, Any], path: str) -> str:
    """The field's name as people read it, for an error path: 「生年月日」 (inside the person
    block), 「世帯 2・氏名」 (a row), "" for a sheet rule (its message names itself) and for
    ``__all__``. Unknown keys answer the key itself."""
    rule_keys = {r["keys"][0] for r in schema.get("rules", []) if r.get("keys")}
    if path in rule_keys or path == "__all__":
        return ""
    found = _walk(schema, path)
    return path if found is None else found[0]


def named(schema: Mapping[str, Any], errors: Mapping[str, str],
          extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each error with its field named (``messages.at``), same keys; ``extra`` labels keys that
    are not answers (``written_on`` → 記入日 …)."""
    extra = extra or {}
    return {path: messages.at(extra[path] if path in extra else label_for(schema, path), text)
            for path, text in in_form_order(schema, errors).items()}


def in_form_order(schema: Mapping[str, Any], errors: Mapping[str, str]) -> dict[str, str]:
    """``errors`` ordered as their fields appear on the form: ``__all__`` first, keys that are
    not answers (記入日 …, at the form's end) last."""
    def position(item: tuple[int, tuple[str, str]]) -> tuple[int, tuple[int, ...], int]:
        n, (path, _) = item
        found = _walk(schema, path)
        if found is not None:
            return (1, found[1], n)
        return (0 if path == "__all__" else 2, (), n)

    return dict(pair for _, pair in sorted(enumerate(errors.items()), key=position))
