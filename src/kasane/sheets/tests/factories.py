"""Test helpers: complete valid answers for any schema, and acting memberships."""

from __future__ import annotations

import csv
import io
from typing import Any

from kasane.accounts.models import Membership


def actor(user: Any) -> Membership:
    return Membership.objects.filter(user=user).order_by("pk").first()  # type: ignore[return-value]


def value_for(f: dict[str, Any], orgs: list[int], users: list[int], i: int = 0) -> Any:
    t = f["type"]
    codes = [c["code"] for c in f.get("choices", []) if c["code"] not in {"other"}]
    if t == "text":
        return "サトウ" if f.get("kana") else ["=1+2 注意", "テキスト", "-3 から", "@メモ"][i % 4]
    if t == "longtext":
        return f"一行目\n二行目 {i}"
    if t == "date":
        return "2024-04-01"
    if t == "datetime":
        return "2024-04-01T10:30"
    if t == "number":
        return -3 if i % 2 else 42
    if t == "boolean":
        return i % 2 == 0
    if t == "choice":
        return codes[i % len(codes)]
    if t == "multi_choice":
        return codes[:2]
    if t == "multi_choice_main":
        return {"marked": codes[:2], "main": codes[1], "since": {codes[0]: "3年前から"}}
    if t == "org_ref":
        return orgs[:2] if f.get("multiple") else orgs[0]
    if t == "user_ref":
        return users[0]
    if t == "person_ref":
        return 7
    if t in {"area_ref", "resource_ref", "meeting_ref"}:
        return ["北部", "いばしょ"] if f.get("multiple") else "北部"
    if t == "file":
        return None  # attachments are real uploads: see ``attach`` / ``upload``
    if t == "rows":
        return [group(f["fields"], orgs, users, k) for k in range(2)]
    if t == "person":
        return group(f["fields"], orgs, users, i, person=True)
    raise AssertionError(t)


# Person block values a Person accepts (the person binding creates one on submit).
PERSON_VALUES = {"family_name": "=1+2 注意", "given_name": "和夫", "postal_code": "123-4567",
                 "address": "重ね市北町1-2-3", "phone": "03-1234-5678", "phone_mobile": "090-1234-5678"}


def group(fields: list[dict[str, Any]], orgs: list[int], users: list[int], i: int = 0,
          person: bool = False) -> dict[str, Any]:
    out = {}
    for f in fields:
        if f.get("other_of"):
            continue
        if person and f["key"] in PERSON_VALUES:
            out[f["key"]] = PERSON_VALUES[f["key"]]
            continue
        value = value_for(f, orgs, users, i)
        if value is not None:
            out[f["key"]] = value
    return out


def full_answers(schema: dict[str, Any], orgs: list[int], users: list[int]) -> dict[str, Any]:
    fields = [f for s in schema["sections"] for f in s["fields"]]
    answers = group(fields, orgs, users)
    if "restriction_requested" in answers:
        answers["restriction_requested"] = True
    return answers


# Smallest valid files of each accepted kind (content sniffing reads the magic bytes).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size: tuple[int, int] = (64, 48), color: str = "red") -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def upload(name: str = "同意書.pdf", data: bytes | None = None) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    if data is None:
        data = png_bytes() if name.lower().endswith(".png") else PDF_BYTES
    return SimpleUploadedFile(name, data)


def attach(me: Membership, code: str, answers: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Upload one PDF and one PNG (API-style, before the record) into every file field."""
    from kasane.sheets import attachments

    for key in attachments.file_fields(schema):
        answers[key] = [attachments.attachment_upload(actor=me, code=code, field_key=key,
                                                      upload=upload(name)).as_answer()
                        for name in (f"{key}.pdf", f"{key}.png")]
    return answers


def import_csv(schema: dict[str, Any], answers: dict[str, Any]) -> bytes:
    """A CSV of the importable columns of ``schema`` (header + one row of ``answers``) as a
    sheet import reads it."""
    from kasane.sheets import codec

    cols = [c for c in codec.columns(schema, system=False) if codec.importable(c)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in cols])
    row = []
    for col in cols:
        head, _, sub = col.path.partition(".")
        value = answers.get(head)
        row.append(codec.to_cell(col.field, (value or {}).get(sub) if sub else value))
    writer.writerow(row)
    return out.getvalue().encode()
