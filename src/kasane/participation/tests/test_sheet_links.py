"""A submitted 参加支援事業用シート creates the wish, the proposals with their answers, the start,
the 定着支援 follow-ups and the end — once; an edit updates; refusals keep the sheet."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kasane.participation.models import FollowUp, Match, Stage, Wish
from kasane.resources.models import Place, PlaceStatus
from kasane.sheets import selectors as sheet_selectors
from kasane.sheets import services as sheet_services
from kasane.sheets.models import SheetDerivation, SheetRecord
from kasane.sheets.tests.factories import full_answers

from .factories import make_place, setup

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _iso(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


def _answers(city: Any, **overrides: Any) -> dict[str, Any]:
    definition = sheet_selectors.definition_current(municipality_id=city.municipality.pk,
                                                    code="participation")
    answers = full_answers(definition.schema, [city.orgs["houkatsu"].pk], [city.coordinator.pk])
    for key in ("candidates", "offers", "follow_ups", "matched_resource", "started_on",
                "ended_on", "end_reason", "area"):
        answers.pop(key, None)
    answers.update(wishes="カフェで人と関わる仕事をしてみたい", role_wanted=["work_trial"],
                   days=["mon"], time_bands=["am"])
    answers.update(overrides)
    return answers


def _rows(record: SheetRecord) -> dict[str, SheetDerivation]:
    return {d.key: d for d in SheetDerivation.objects.filter(record=record)}


def _submit(city: Any, s: Any, **overrides: Any) -> SheetRecord:
    return sheet_services.record_create(
        actor=s.coord, code="participation", submit=True, person_id=s.person.pk,
        case_id=s.case.pk, answers=_answers(city, **overrides))


def test_the_sheet_creates_wish_offer_start_and_follow_ups_once(city: Any) -> None:
    s = setup(city)
    record = _submit(city, s, area="北部圏域",
                     offers=[{"resource": "北のカフェ", "on": _iso(20), "answer": "accepted"}],
                     matched_resource="北のカフェ", started_on=_iso(10),
                     follow_ups=[{"on": _iso(3), "state": "stable", "host_support": "声かけ"}])
    rows = _rows(record)
    assert {k: r.status for k, r in rows.items()} == {
        "wish": "done", "offer:0": "done", "match": "done", "follow_up:0": "done"}
    wish = Wish.objects.get(case=s.case)
    assert wish.roles == ["work_trial"] and wish.area_id == s.area.pk
    m = Match.objects.get(case=s.case)
    assert m.stage == Stage.STARTED and m.answer_via == "paper"
    assert m.started_on == TODAY - dt.timedelta(days=10)
    assert Place.objects.get(pk=s.place.pk).current_participants == 1
    done = FollowUp.objects.get(match=m, on__isnull=False)
    assert done.condition == "stable" and done.host_support == "声かけ"
    sheet_services.record_edit_submitted(
        actor=s.coord, record=record, reason="定着支援の様子を訂正", lock_version=None,
        answers=_answers(city, area="北部圏域",
                         offers=[{"resource": "北のカフェ", "on": _iso(20), "answer": "accepted"}],
                         matched_resource="北のカフェ", started_on=_iso(10),
                         follow_ups=[{"on": _iso(2), "state": "issue"}]))
    assert Match.objects.filter(case=s.case).count() == 1
    assert Place.objects.get(pk=s.place.pk).current_participants == 1
    done = FollowUp.objects.get(match=m, on__isnull=False)
    assert done.on == TODAY - dt.timedelta(days=2) and done.condition == "issue"


def test_the_sheet_refuses_a_closed_place_and_a_follow_up_before_the_start(city: Any) -> None:
    s = setup(city)
    make_place(city, "休止の場", status=PlaceStatus.CLOSED)
    record = _submit(city, s,
                     offers=[{"resource": "休止の場", "on": _iso(20), "answer": "accepted"}],
                     matched_resource="北のカフェ", started_on=_iso(10),
                     follow_ups=[{"on": _iso(12), "state": "stable"}])
    rows = _rows(record)
    assert rows["offer:0"].status == "failed"
    assert rows["offer:0"].message == "休止の場は現在受け入れを休止しています。"
    assert rows["match"].status == "done"
    assert rows["follow_up:0"].status == "failed"
    assert "より前の日付は記録できません" in rows["follow_up:0"].message
    assert not FollowUp.objects.filter(on__isnull=False).exists()
    assert SheetRecord.objects.filter(pk=record.pk).exists()


def test_an_unknown_place_name_fails_with_its_name(city: Any) -> None:
    s = setup(city)
    record = _submit(city, s, offers=[{"resource": "どこにもない場", "on": _iso(5)}])
    row = _rows(record)["offer:0"]
    assert row.status == "failed"
    assert row.message == "社会資源「どこにもない場」が見つかりません。名称か番号で指定してください。"
