"""Fill an HTML form as a user of ``./kasane bench web`` would (no browser, no JavaScript).

``form_fields(html, marker)`` returns the fields of the first ``<form>`` holding a field named
``marker`` as (name, value) pairs: hidden and text inputs keep their value, the checked radio of
each group (or its first option), checked check boxes, each select's selected option (or its
first non-empty one); empty text areas, and empty text inputs that are required or have a known
name, are filled by ``FILL`` (a plausible value picked by the field's name), so the sheet and
the contact forms validate.
"""

from __future__ import annotations

from html.parser import HTMLParser

FILL = [  # (part of the field name, value), first match wins
    ("family_name_kana", "ベンチ"), ("given_name_kana", "タロウ"), ("family_name", "弁知"),
    ("given_name", "太郎"), ("address", "重ね市本町1-1"), ("phone", "03-0000-0000"),
    ("postal", "100-0001"), ("summary", "電話で近況を確認した（ベンチマーク）"),
    ("", "ベンチマークの記入"),
]


def _fill(name: str) -> str:
    return next(value for part, value in FILL if part in name)


def _fill_input(name: str, kind_type: str, attrs: dict[str, str]) -> str:
    """An empty input: a value when it is required or its name is a known one, else empty."""
    if kind_type == "number":
        return "10" if "required" in attrs else ""
    known = next((value for part, value in FILL[:-1] if part in name), "")
    return known or (_fill(name) if "required" in attrs else "")


class _Parser(HTMLParser):
    def __init__(self, marker: str) -> None:
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.forms: list[list[tuple[str, str, dict[str, str]]]] = []
        self.current: list[tuple[str, str, dict[str, str]]] | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.current = []
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and a.get("name"):
            self.current.append(("input", a["name"], a))
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
        elif tag == "option" and self.select is not None:
            self.current.append(("option", self.select, a))
        elif tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            self.current.append(("textarea", a["name"], a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None and self.current and data.strip():
            kind, name, attrs = self.current[-1]
            self.current[-1] = (kind, name, {**attrs, "value": attrs.get("value", "") + data})


def form_fields(html: str, marker: str) -> list[tuple[str, str]]:
    """The filled fields of the first form holding a field named ``marker`` (ValueError when
    there is none)."""
    parser = _Parser(marker)
    parser.feed(html)
    form = next((f for f in parser.forms if any(name == marker for _, name, _ in f)), None)
    if form is None:
        raise ValueError(f"no form with a field named {marker!r}")
    return _values(form)


def _values(form: list[tuple[str, str, dict[str, str]]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    radios: dict[str, str] = {}
    options: dict[str, str] = {}
    for kind, name, a in form:
        kind_type = a.get("type", "text")
        if kind == "option":
            value = a.get("value", "")
            if value and ("selected" in a or name not in options):
                options[name] = value  # the selected option, else the first non-empty one
            options.setdefault(name, "")
        elif kind == "textarea":
            out.append((name, a.get("value", "").strip() or _fill(name)))
        elif kind_type == "radio":
            if "checked" in a or name not in radios:
                radios[name] = a.get("value", "")
        elif kind_type == "checkbox":
            if "checked" in a:
                out.append((name, a.get("value", "on")))
        elif kind_type in {"submit", "button", "file"}:
            continue
        elif kind_type == "hidden":
            out.append((name, a.get("value", "")))
        else:
            out.append((name, a.get("value", "") or _fill_input(name, kind_type, a)))
    out.extend(radios.items())
    out.extend(options.items())
    return out
