"""Services of 受入打診 → 回答 → 体験 → 開始 → 終了, and 定着支援 follow-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kasane.cases.models import CaseEvent, EventKind
from kasane.participation import services
from kasane.participation.models import FollowUp, FollowUpPlan, Match, Stage
from kasane.resources.models import Place, PlaceStatus

from .factories import make_place, setup

TODAY = timezone.localdate()


def propose(s: Any, place: Any = None, **kw: Any) -> Match:
    return services.match_propose(actor=s.coord, case=s.case, person_id=s.person.pk,
                                  place_id=(place or s.place).pk,
                                  proposed_on=kw.pop("on", TODAY - dt.timedelta(days=20)), **kw)


def started(s: Any, on: dt.date | None = None) -> Match:
    m = propose(s)
    m = services.match_answer(actor=s.coord, match=m, answer="accepted", via="phone",
                              answer_on=TODAY - dt.timedelta(days=19))
    return services.match_start(actor=s.coord, match=m,
                                started_on=on or TODAY - dt.timedelta(days=10))


def test_it_walks_a_proposal_to_a_start_and_counts_the_seat(city: Any) -> None:
    s = setup(city)
    m = propose(s)
    assert m.stage == Stage.PROPOSED and m.host_org_id is None
    m = services.match_answer(actor=s.coord, match=m, answer="accepted", via="phone",
                              answer_on=TODAY - dt.timedelta(days=19))
    m = services.match_trial(actor=s.coord, match=m, trial_on=TODAY - dt.timedelta(days=15))
    m = services.match_start(actor=s.coord, match=m, started_on=TODAY - dt.timedelta(days=10))
    assert m.stage == Stage.STARTED
    assert Place.objects.get(pk=s.place.pk).current_participants == 1
    # the seat is taken through the directory's service: audited, with the match named
    from kasane.audit.models import ChangeRecord

    seat = ChangeRecord.objects.get(model="resources.Place", object_id=str(s.place.pk),
                                    reason=f"参加支援の開始（マッチ {m.pk}）")
    assert seat.changes["current_participants"] == [0, 1]
    due = list(m.follow_ups.values_list("due_on", flat=True))
    start = TODAY - dt.timedelta(days=10)
    assert due == [start + dt.timedelta(days=n) for n in (7, 30, 90)]
    texts = list(CaseEvent.objects.filter(case=s.case, kind=EventKind.PARTICIPATION)
                 .order_by("id").values_list("text", flat=True))
    assert texts[0] == "受入打診：北のカフェ（電話・書面で打診）"
    assert texts[1] == "受入先の回答：北のカフェ 受入可（電話）"
    assert texts[-1].startswith("参加開始：北のカフェ")


def test_it_follows_the_municipality_schedule(city: Any) -> None:
    s = setup(city)
    FollowUpPlan.objects.create(municipality=city.municipality, days=[14, 60])
    m = started(s)
    assert m.follow_ups.count() == 2


def test_it_refuses_a_proposal_to_a_closed_or_full_place(city: Any) -> None:
    s = setup(city)
    closed = make_place(city, "休止中の場", status=PlaceStatus.CLOSED)
    full = make_place(city, "満員の場", capacity=2, current=2)
    with pytest.raises(ValidationError) as exc:
        propose(s, closed)
    assert exc.value.message_dict["place"] == ["休止中の場は現在受け入れを休止しています。"]
    with pytest.raises(ValidationError) as exc:
        propose(s, full)
    assert exc.value.message_dict["place"] == ["満員の場は定員（2人）に達しています。"]
    assert not Match.objects.exists()


def test_it_refuses_a_start_when_the_place_filled_up_meanwhile(city: Any) -> None:
    s = setup(city)
    m = propose(s)
    m = services.match_answer(actor=s.coord, match=m, answer="accepted", via="phone")
    Place.objects.filter(pk=s.place.pk).update(current_participants=5)
    with pytest.raises(ValidationError) as exc:
        services.match_start(actor=s.coord, match=m, started_on=TODAY)
    assert "定員（5人）に達しています" in exc.value.message_dict["started_on"][0]
    assert Match.objects.get(pk=m.pk).stage == Stage.ACCEPTED


def test_it_refuses_a_follow_up_dated_before_the_start(city: Any) -> None:
    s = setup(city)
    m = started(s)
    with pytest.raises(ValidationError) as exc:
        services.follow_up_record(actor=s.coord, match=m, data={
            "on": TODAY - dt.timedelta(days=11), "outcome": "continue"})
    assert "より前の日付は記録できません" in exc.value.message_dict["on"][0]
    assert not FollowUp.objects.filter(on__isnull=False).exists()


def test_it_fills_the_planned_follow_up_and_an_interruption_ends_the_match(city: Any) -> None:
    s = setup(city)
    m = started(s)
    row = services.follow_up_record(actor=s.coord, match=m, data={
        "on": TODAY - dt.timedelta(days=3), "outcome": "continue", "condition": "stable",
        "note": "毎週通えている"})
    assert row.due_on == TODAY - dt.timedelta(days=3) and m.follow_ups.count() == 3
    services.follow_up_record(actor=s.coord, match=m, data={
        "on": TODAY, "outcome": "interrupted", "condition": "paused"})
    m.refresh_from_db()
    assert m.stage == Stage.ENDED and m.end_reason == "interrupted" and m.ended_on == TODAY
    assert Place.objects.get(pk=s.place.pk).current_participants == 0
    assert m.follow_ups.filter(on__isnull=True).count() == 0  # the 3-month one is dropped


def test_it_refuses_an_end_before_the_start_and_frees_the_seat_on_end(city: Any) -> None:
    s = setup(city)
    m = started(s)
    with pytest.raises(ValidationError):
        services.match_end(actor=s.coord, match=m, ended_on=TODAY - dt.timedelta(days=30),
                           reason="settled")
    assert Place.objects.get(pk=s.place.pk).current_participants == 1
    services.match_end(actor=s.coord, match=m, ended_on=TODAY, reason="settled")
    assert Place.objects.get(pk=s.place.pk).current_participants == 0
    from kasane.audit.models import ChangeRecord

    freed = ChangeRecord.objects.get(model="resources.Place", object_id=str(s.place.pk),
                                     reason=f"参加支援の終了（マッチ {m.pk}）")
    assert freed.changes["current_participants"] == [1, 0]


def test_it_refuses_an_uninvolved_organization(city: Any) -> None:
    s = setup(city)
    with pytest.raises(PermissionDenied):
        services.match_propose(actor=s.outsider, case=s.case, person_id=s.person.pk,
                               place_id=s.place.pk)


def test_it_refuses_a_second_open_proposal_to_the_same_place(city: Any) -> None:
    s = setup(city)
    propose(s)
    with pytest.raises(ValidationError) as exc:
        propose(s)
    assert exc.value.message_dict["place"] == ["北のカフェへの打診は既に進行中です。"]


def test_it_records_wishes_once_per_person_and_updates_them(city: Any) -> None:
    s = setup(city)
    w = services.wish_save(actor=s.coord, case=s.case, person_id=s.person.pk, data={
        "wants": "人と話したい", "roles": ["attend"], "days": ["mon"], "area": s.area.pk})
    w2 = services.wish_save(actor=s.coord, case=s.case, person_id=s.person.pk, data={
        "wants": "カフェで働いてみたい", "roles": ["work_trial"]}, expected_version=1)
    assert w.pk == w2.pk and w2.lock_version == 2 and w2.area is None
    with pytest.raises(ValidationError) as exc:
        services.wish_save(actor=s.coord, case=s.case, person_id=s.person.pk,
                           data={"wants": "", "roles": []})
    assert exc.value.message_dict["wants"] == ["やりたいことを入力してください。"]
