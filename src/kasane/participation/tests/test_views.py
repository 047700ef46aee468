"""参加支援 screens: wishes → suggestions → 受入打診 → answer → start → follow-up, with the
refusals shown at the field; outsiders get 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kasane.core.wareki import format_wareki
from kasane.participation.models import Match, Stage

from .factories import make_place, setup

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def w(days_ago: int) -> str:
    return format_wareki(TODAY - dt.timedelta(days=days_ago))


def test_it_walks_the_case_side_screens(city: Any, client: Any) -> None:
    s = setup(city)
    make_place(city, "南のサロン")
    client.force_login(city.coordinator)
    page = client.get(f"/cases/{s.case.pk}/").content.decode()
    assert "参加支援" in page and "参加の希望はまだ記録されていません。" in page
    r = client.post(f"/participation/cases/{s.case.pk}/wish/", {
        "wants": "カフェで働いてみたい", "roles": ["work_trial"], "days": ["mon"],
        "time_bands": ["am"], "area": str(s.area.pk)})
    assert r.status_code == 302 and "/suggest/" in r["Location"]
    page = client.get(r["Location"]).content.decode()
    assert page.index("北のカフェ") < page.index("南のサロン")
    assert "希望する参加の形（就労体験）ができる" in page and "同じ圏域（北部圏域）" in page
    r = client.post(f"/participation/cases/{s.case.pk}/suggest/", {
        "person": s.person.pk, "place": s.place.pk, "reasons": ["同じ圏域（北部圏域）"]})
    m = Match.objects.get(case=s.case)
    assert r.status_code == 302 and r["Location"] == f"/participation/matches/{m.pk}/"
    assert m.reasons == ["同じ圏域（北部圏域）"]
    r = client.post(f"/participation/matches/{m.pk}/answer/", {
        "answer": "accepted", "answer_on": w(1), "via": "phone"})
    assert r.status_code == 400
    assert "回答日は打診日（" in r.content.decode()
    r = client.post(f"/participation/matches/{m.pk}/answer/", {
        "answer": "accepted", "answer_on": w(0), "via": "phone"})
    assert r.status_code == 302
    r = client.post(f"/participation/matches/{m.pk}/start/", {"start-on": w(0)})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.stage == Stage.STARTED
    r = client.post(f"/participation/matches/{m.pk}/follow-up/", {
        "fu-on": w(1), "fu-condition": "stable", "fu-outcome": "continue"})
    assert r.status_code == 400
    assert "より前の日付は記録できません" in r.content.decode()
    r = client.post(f"/participation/matches/{m.pk}/follow-up/", {
        "fu-on": w(0), "fu-condition": "stable", "fu-outcome": "continue", "fu-note": "順調"})
    assert r.status_code == 302
    page = client.get(f"/cases/{s.case.pk}/").content.decode()
    for text in ("受入打診：北のカフェ", "受入先の回答：北のカフェ 受入可", "参加開始：北のカフェ",
                 "定着支援：北のカフェ"):
        assert text in page
    assert "参加中" in page


def test_it_shows_the_refusal_of_a_full_place_on_the_suggestions_page(city: Any,
                                                                      client: Any) -> None:
    s = setup(city)
    full = make_place(city, "満員の場", capacity=1, current=1)
    client.force_login(city.coordinator)
    page = client.get(f"/participation/cases/{s.case.pk}/suggest/").content.decode()
    assert "満員の場" not in page
    r = client.post(f"/participation/cases/{s.case.pk}/suggest/", {
        "person": s.person.pk, "place": full.pk}, follow=True)
    assert "満員の場は定員（1人）に達しています。" in r.content.decode()
    assert not Match.objects.exists()


def test_it_answers_404_to_an_outsider(city: Any, client: Any) -> None:
    s = setup(city)
    from kasane.participation import services
    m = services.match_propose(actor=s.coord, case=s.case, person_id=s.person.pk,
                               place_id=s.place.pk)
    client.force_login(city.outsider)
    assert client.get(f"/participation/matches/{m.pk}/").status_code == 404
    assert client.get(f"/participation/cases/{s.case.pk}/suggest/").status_code == 404
    assert client.post(f"/participation/matches/{m.pk}/answer/", {
        "answer": "accepted", "answer_on": w(0)}).status_code == 404
    client.force_login(city.liaison)
    assert client.get("/participation/").status_code == 403


def test_it_lists_volunteers_and_records_notes_and_hours(city: Any, client: Any) -> None:
    s = setup(city)
    client.force_login(city.outsider)  # 社協 CSW
    r = client.post("/participation/bank/new/", {"kind": "graduate", "name": "佐藤花子",
                                                 "courses": "傾聴講座", "area": str(s.area.pk)})
    assert r.status_code == 302
    url = r["Location"]
    assert client.post(url + "note/", {"note-on": w(0), "note-text": "初回の活動に同行"}
                       ).status_code == 302
    assert client.post(url + "hours/", {"h-on": w(0), "h-hours": "2.5",
                                        "h-place": str(s.place.pk)}).status_code == 302
    page = client.get(url).content.decode()
    assert "初回の活動に同行" in page and "2.5時間" in page
    assert "佐藤花子" in client.get("/participation/bank/").content.decode()
    client.force_login(city.partner)
    assert client.get(url).status_code == 404
    assert "佐藤花子" not in client.get("/participation/bank/").content.decode()
