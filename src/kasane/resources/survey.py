"""The yearly 居場所調査 round trip: a pre-filled Excel sheet per place goes out; filled sheets
(Excel, or LoGoフォーム CSV with one response a row) come back and are staged as
``PlaceChange`` rows that 社協 accepts (applied, verified, published) or rejects.

Sheet layout (sheet 「居場所調査」): A1 title; row 3 「場所番号」 and the place's number,
row 4 「確認用コード」 (first 8 characters of the place's HSDS id, so a sheet cannot land on
another place); from row 6, one row per item: 項目コード | 項目 | 回答. LoGoフォーム CSV: the
item labels (or codes) as headers, 場所番号 and 確認用コード included.
Every problem is a Japanese message naming file, row and item; with any problem nothing is
staged. Accepting goes through ``services.place_save``, so the same checks apply again.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from kasane.accounts.models import Actor
from kasane.areas.tabular import Row, Table, TableError, read_upload
from kasane.audit.models import Basis
from kasane.audit.services import access_log
from kasane.core.wareki import WarekiError, parse_date

from . import policy, services
from .models import ChangeSource, ChangeStatus, Place, PlaceChange, PlaceKind

SHEET = "居場所調査"
ID_LABEL, CHECK_LABEL, VERIFIED_LABEL = "場所番号", "確認用コード", "確認日"
FIRST_ITEM_ROW = 6
YES, NO = "はい", "いいえ"
SURVEY_FIELDS = (
    "name", "kind", "description", "address", "schedule_note", "capacity",
    "current_participants", "age_min", "age_max", "eligibility", "accessibility", "cost",
    "pickup", "pickup_note", "offers_participation", "offers_role", "offers_work_trial",
    "offers_work", "contact_name", "phone", "email", "url",
)
_VERBOSE = {f.name: str(f.verbose_name) for f in Place._meta.concrete_fields}
LABELS = {name: _VERBOSE[name] for name in SURVEY_FIELDS}
LABELS.update({"offers_participation": "できること: 参加", "offers_role": "できること: 役割",
               "offers_work_trial": "できること: 就労体験", "offers_work": "できること: 就労"})
BY_LABEL = {label: name for name, label in LABELS.items()}
KIND_BY_LABEL = {k.label: k.value for k in PlaceKind}
_BOOLS = {n for n in SURVEY_FIELDS if n == "pickup" or n.startswith("offers_")}
_INTS = {"capacity", "current_participants", "age_min", "age_max"}


def check_code(place: Place) -> str:
    return str(place.hsds_service_id)[:8]


def shown(name: str, value: Any) -> str:
    """A stored value as the sheet (and the diff on screen) shows it."""
    if name in _BOOLS:
        return YES if value else NO
    if name == "kind":
        return str(PlaceKind(value).label) if value in PlaceKind.values else str(value)
    return "" if value is None else str(value)


# ---------------------------------------------------------------------------
# out: the pre-filled workbook
# ---------------------------------------------------------------------------

def workbook(places: list[Place]) -> bytes:
    """One sheet per place (the first named 居場所調査, others 居場所調査 (2) …)."""
    book = Workbook()
    book.remove(book.active)
    for place in places:
        sheet = book.create_sheet(SHEET if not book.worksheets else f"{SHEET} ({len(book.worksheets) + 1})")
        sheet["A1"] = f"居場所調査票　{place.name}"
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A3"], sheet["B3"] = ID_LABEL, place.pk
        sheet["A4"], sheet["B4"] = CHECK_LABEL, check_code(place)
        sheet.append(["項目コード", "項目", "回答（変わったところを書き換えてください）"])
        for name in SURVEY_FIELDS:
            sheet.append([name, LABELS[name], shown(name, getattr(place, name))])
        sheet.append(["verified_on", VERIFIED_LABEL, ""])
        _style(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _style(sheet: Any) -> None:
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 60
    fill = PatternFill("solid", fgColor="FFF7D6")
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    kinds = DataValidation(type="list", formula1='"' + ",".join(KIND_BY_LABEL) + '"')
    sheet.add_data_validation(yes_no)
    sheet.add_data_validation(kinds)
    for row in range(FIRST_ITEM_ROW, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=3)
        cell.fill = fill
        code = sheet.cell(row=row, column=1).value
        if code in _BOOLS:
            yes_no.add(cell)
        elif code == "kind":
            kinds.add(cell)


# ---------------------------------------------------------------------------
# in: responses
# ---------------------------------------------------------------------------

@dataclass
class Response:
    """One returned sheet (or CSV row): where it came from and its answers by field name."""

    where: str
    place_id: str
    check: str
    answers: dict[str, str]
    verified_on: str


def _sheet_responses(name: str, data: bytes) -> list[Response]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds
        raise ValidationError(f"{name}: Excel ファイルを開けません（.xlsx 形式で保存してください）。") from exc
    out = []
    for sheet in book.worksheets:
        rows = [["" if v is None else str(v).strip() for v in r]
                for r in sheet.iter_rows(values_only=True)]
        by_label = {r[0]: r[1] if len(r) > 1 else "" for r in rows if r and r[0]}
        answers: dict[str, str] = {}
        verified = ""
        for r in rows[FIRST_ITEM_ROW - 1:]:
            if len(r) >= 3 and r[0] in LABELS:
                answers[r[0]] = r[2]
            elif len(r) >= 3 and r[0] == "verified_on":
                verified = r[2]
        out.append(Response(f"{name}「{sheet.title}」", by_label.get(ID_LABEL, ""),
                            by_label.get(CHECK_LABEL, ""), answers, verified))
    book.close()
    return out


def _csv_responses(table: Table) -> list[Response]:
    unknown = [h for h in table.headers
               if h not in BY_LABEL and h not in LABELS
               and h not in {ID_LABEL, CHECK_LABEL, VERIFIED_LABEL}
               and h not in {"回答日時", "受付番号", "回答ID", "送信日時"}]  # LoGoフォーム's own
    if unknown:
        raise ValidationError(f"{table.name}: 知らない列があります（{'、'.join(unknown)}）。")
    if ID_LABEL not in table.headers:
        raise ValidationError(f"{table.name}: 「{ID_LABEL}」の列がありません。")
    return [_csv_response(table.name, row) for row in table.rows]


def _csv_response(name: str, row: Row) -> Response:
    answers = {BY_LABEL.get(h, h): v.strip() for h, v in row.cells.items()
               if h in BY_LABEL or h in LABELS}
    return Response(f"{name} {row.line}行目", row.get(ID_LABEL), row.get(CHECK_LABEL), answers,
                    row.get(VERIFIED_LABEL))


def read_responses(stream: IO[bytes], name: str) -> list[Response]:
    data = stream.read()
    if data[:2] == b"PK":
        return _sheet_responses(name, data)
    try:
        tables = read_upload(io.BytesIO(data), name)
    except TableError as exc:
        raise ValidationError(str(exc)) from exc
    return [r for t in tables for r in _csv_responses(t)]


def _parse(name: str, text: str) -> tuple[Any, str]:
    """(value, error) of one answer."""
    if name in _BOOLS:
        if text in (YES, "1", "true", "TRUE", "○", "あり"):
            return True, ""
        if text in (NO, "0", "false", "FALSE", "", "なし"):
            return False, ""
        return None, f"「{YES}」か「{NO}」で答えてください。"
    if name == "kind":
        if text in KIND_BY_LABEL:
            return KIND_BY_LABEL[text], ""
        return None, f"{'・'.join(KIND_BY_LABEL)} のどれかで答えてください。"
    if name in _INTS:
        if text == "":
            return None if name != "current_participants" else 0, ""
        digits = text.translate(str.maketrans("０１２３４５６７８９", "0123456789")).rstrip("人歳")
        if not digits.isdigit():
            return None, "0以上の整数で答えてください。"
        return int(digits), ""
    return text, ""


def _verified(text: str) -> tuple[dt.date | None, str]:
    if not text:
        return None, ""
    try:
        day = parse_date(text[:10] if text[:4].isdigit() else text)
    except WarekiError:
        return None, "日付として読めません（例: 令和8年4月1日、2026-04-01）。"
    if day > timezone.localdate():
        return None, "未来の日付は入力できません。"
    return day, ""


def _changes(response: Response, place: Place, errors: list[str]) -> tuple[dict[str, Any], dt.date | None]:
    values: dict[str, Any] = {}
    changes: dict[str, Any] = {}
    for name, text in response.answers.items():
        value, problem = _parse(name, text)
        if problem:
            errors.append(f"{response.where}: {LABELS[name]}: {problem}")
            continue
        values[name] = value
        if value != getattr(place, name):
            changes[name] = {"old": shown(name, getattr(place, name)), "new": shown(name, value),
                             "value": value}
    merged = {n: getattr(place, n) for n in services.EDITABLE_FIELDS} | values
    for field, problem in services.check_place_values(merged).items():
        errors.append(f"{response.where}: {LABELS.get(field, field)}: {problem}")
    verified, problem = _verified(response.verified_on)
    if problem:
        errors.append(f"{response.where}: {VERIFIED_LABEL}: {problem}")
    return changes, verified


def survey_import(*, actor: Actor, stream: IO[bytes], name: str) -> list[PlaceChange]:
    """Stage the changes of every response in the file (one PlaceChange per place that
    answered); ValidationError listing every problem and nothing staged otherwise."""
    policy.require_edit(actor)
    muni_id = policy.tenant_id(actor)
    responses = read_responses(stream, name)
    if not responses:
        raise ValidationError(f"{name}: 回答が見つかりません。")
    source = ChangeSource.SURVEY_EXCEL if name.lower().endswith(".xlsx") else ChangeSource.SURVEY_LOGO
    errors: list[str] = []
    staged: list[PlaceChange] = []
    places = {str(p.pk): p for p in Place.objects.filter(
        municipality_id=muni_id, pk__in=[r.place_id for r in responses if r.place_id.isdigit()])}
    for response in responses:
        place = places.get(response.place_id)
        if place is None or response.check != check_code(place):
            errors.append(f"{response.where}: {ID_LABEL}「{response.place_id}」の場所が見つからないか、"
                          f"{CHECK_LABEL}が合いません。配布した調査票をそのまま使ってください。")
            continue
        changes, verified = _changes(response, place, errors)
        staged.append(PlaceChange(municipality_id=muni_id, place=place, source=source,
                                  file_name=name[:200], changes=changes,
                                  verified_on=verified, uploaded_by=actor.user))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        PlaceChange.objects.bulk_create(staged)
        access_log(user=actor.user, action="resources.survey.import", basis=Basis.NOT_PERSONAL,
                   organization_id=actor.organization_id, object_type="resources.PlaceChange",
                   detail=f"{name}: {len(staged)}件")
    return staged


def change_accept(*, actor: Actor, change: PlaceChange, publish: bool = True) -> Place:
    """Apply a staged change through ``place_save`` (same checks), record the 確認日 (the
    sheet's, else today) and publish unless told not to."""
    policy.require_edit(actor)
    if change.municipality_id != policy.tenant_id(actor) or change.status != ChangeStatus.PENDING:
        raise ValidationError("この変更の提案は処理済みか、見つかりません。")
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=change.place_id)
        values = {name: c["value"] for name, c in change.changes.items()}
        if values:
            place = services.place_save(actor=actor, provider=place.provider, place=place,
                                        values=values)
        place = services.place_verify(actor=actor, place=place, on=change.verified_on)
        if publish:
            place = services.place_publish(actor=actor, place=place)
        _decide(actor, change, ChangeStatus.ACCEPTED, "change.accept")
    return place


def change_reject(*, actor: Actor, change: PlaceChange) -> None:
    policy.require_edit(actor)
    if change.municipality_id != policy.tenant_id(actor) or change.status != ChangeStatus.PENDING:
        raise ValidationError("この変更の提案は処理済みか、見つかりません。")
    with transaction.atomic():
        _decide(actor, change, ChangeStatus.REJECTED, "change.reject")


def _decide(actor: Actor, change: PlaceChange, status: str, action: str) -> None:
    change.status, change.decided_by, change.decided_at = status, actor.user, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    access_log(user=actor.user, action=f"resources.{action}", basis=Basis.NOT_PERSONAL,
               organization_id=actor.organization_id, object_type="resources.PlaceChange",
               object_id=change.pk, detail=f"場所 #{change.place_id}")
