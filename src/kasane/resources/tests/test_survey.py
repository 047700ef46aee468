"""居場所調査 round trip: the pre-filled sheet comes back changed, is staged as a diff, and
accepting applies, verifies and publishes it; bad answers are named and nothing is staged."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from kasane.resources import survey
from kasane.resources.models import ChangeStatus, PlaceChange, PlaceStatus
from kasane.resources.tests.factories import editor, place

pytestmark = pytest.mark.django_db


def _answered(data: bytes, answers: dict[str, object], verified: str = "") -> io.BytesIO:
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=survey.FIRST_ITEM_ROW):
        code = row[0].value
        if code in answers:
            row[2].value = answers[code]
        if code == "verified_on" and verified:
            row[2].value = verified
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_a_returned_sheet_is_staged_then_accepted_and_published(city: SimpleNamespace) -> None:
    made = place(city, publish=False)
    data = survey.workbook([made])
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["B3"].value == made.pk and sheet.cell(row=survey.FIRST_ITEM_ROW, column=3).value
    upload = _answered(data, {"capacity": 15, "cost": "1回200円", "pickup": "はい"}, "令和8年4月10日")
    [change] = survey.survey_import(actor=editor(city), stream=upload, name="survey-1.xlsx")
    assert change.changes["capacity"] == {"old": "10", "new": "15", "value": 15}
    assert change.changes["pickup"]["new"] == "はい" and set(change.changes) == {"capacity", "cost", "pickup"}
    made.refresh_from_db()
    assert made.capacity == 10  # nothing applied before 社協 accepts
    survey.change_accept(actor=editor(city), change=change)
    made.refresh_from_db()
    assert (made.capacity, made.cost, made.pickup, made.status, made.last_verified_on) == \
        (15, "1回200円", True, PlaceStatus.PUBLISHED, dt.date(2026, 4, 10))
    change.refresh_from_db()
    assert change.status == ChangeStatus.ACCEPTED
    with pytest.raises(ValidationError):
        survey.change_accept(actor=editor(city), change=change)


def test_bad_answers_are_named_and_nothing_is_staged(city: SimpleNamespace) -> None:
    made = place(city)
    upload = _answered(survey.workbook([made]), {"capacity": 2, "pickup": "たぶん"})
    with pytest.raises(ValidationError) as exc:
        survey.survey_import(actor=editor(city), stream=upload, name="survey.xlsx")
    text = " ".join(exc.value.messages)
    assert "survey.xlsx「居場所調査」: 送迎あり: 「はい」か「いいえ」で答えてください。" in text
    assert "定員: 定員（2人）が現在の参加者数（4人）より少なく" in text
    assert not PlaceChange.objects.exists()


def test_logo_form_csv_and_a_wrong_check_code(city: SimpleNamespace) -> None:
    made = place(city)
    code = survey.check_code(made)
    good = f"回答日時,場所番号,確認用コード,定員,現在の参加者数\n2026-04-01 10:00,{made.pk},{code},12,5\n"
    [change] = survey.survey_import(actor=editor(city), stream=io.BytesIO(good.encode("cp932")),
                                    name="logo.csv")
    assert change.source == "survey_logo"
    assert {k: v["value"] for k, v in change.changes.items()} == {"capacity": 12, "current_participants": 5}
    survey.change_reject(actor=editor(city), change=change)
    made.refresh_from_db()
    assert made.capacity == 10
    bad = f"場所番号,確認用コード,定員\n{made.pk},deadbeef,12\n"
    with pytest.raises(ValidationError, match="logo.csv 2行目: 場所番号"):
        survey.survey_import(actor=editor(city), stream=io.BytesIO(bad.encode()), name="logo.csv")
    with pytest.raises(ValidationError, match="知らない列があります（好きな色）"):
        survey.survey_import(actor=editor(city), stream=io.BytesIO(
            f"場所番号,確認用コード,好きな色\n{made.pk},{code},赤\n".encode()), name="logo.csv")


def test_pending_changes_show_in_the_editors_inbox(city: SimpleNamespace) -> None:
    from kasane.accounts.models import Membership
    from kasane.resources.inbox import pending_changes

    made = place(city)
    assert pending_changes(city.secretariat, editor(city)) is None
    good = f"場所番号,確認用コード,定員\n{made.pk},{survey.check_code(made)},12\n"
    survey.survey_import(actor=editor(city), stream=io.BytesIO(good.encode()), name="logo.csv")
    section = pending_changes(city.secretariat, editor(city))
    assert section is not None and section.total == 1 and section.items[0]["label"] == made.name
    caseworker = Membership.objects.select_related("organization").get(user=city.recorder)
    assert pending_changes(city.recorder, caseworker) is None
