"""Community activities and 拠点 logs: the API contract, bad input, tags, linked cases."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kasane.meetings.tests.factories import make_case
from kasane.people.tests.factories import actor
from kasane.resources.models import Place, Provider

from .. import services
from ..models import Activity, HubLog
from .factories import make_areas

pytestmark = pytest.mark.django_db

TODAY = dt.date.today


def _post(client, **body):
    data = {"kind": "consultation_event", "area": "N", "held_on": timezone.localdate().isoformat(),
            "participants": 40, "consultations": 6, "tags": ["comprehensive", "community"]}
    data.update(body)
    return client.post("/api/v1/community-activities", data, content_type="application/json")


def test_the_api_records_an_event_with_its_counts_and_tags(city, client):
    areas = make_areas(city)
    client.force_login(city.outsider)
    r = _post(client, connected=2, place="北部公民館")
    assert r.status_code == 201
    a = Activity.objects.get(pk=r.json()["id"])
    assert (a.area, a.participants, a.consultations, a.connected) == (areas["N"], 40, 6, 2)
    assert a.tags == ["comprehensive", "community"] and a.organization == city.orgs["shakyo"]


@pytest.mark.parametrize(("body", "field", "text"), [
    ({"held_on": "2999-01-01"}, "held_on", "実施日: 未来の日付は入力できません。"),
    ({"participants": -1}, "participants", "参加者数: 0以上の数を入力してください。"),
    ({"area": "X"}, "area", "圏域: コード「X」の日常生活圏域が見つかりません。"),
    ({"kind": "party"}, "kind", "種類: 一覧から選んでください。"),
    ({"tags": ["bingo"]}, "tags", "事業: 「bingo」は事業の区分にありません。"),
    ({"held_on": "きのう"}, "held_on", "実施日: 日付として読めません"),
])
def test_bad_input_answers_422_in_japanese_and_saves_nothing(city, client, body, field, text):
    make_areas(city)
    client.force_login(city.outsider)
    r = _post(client, **body)
    assert r.status_code == 422
    assert text in r.json()["errors"][field] and r.json()["detail"]
    assert not Activity.objects.exists()


def test_roles_without_case_work_cannot_record(city, client):
    make_areas(city)
    client.force_login(city.secretariat)
    assert _post(client).status_code == 403
    client.force_login(city.liaison)
    assert _post(client).status_code == 403


def test_an_event_links_only_cases_the_recorder_may_see(city):
    areas = make_areas(city)
    seen = make_case(city).case  # opened by the coordinator's organization
    a = services.activity_record(actor=actor(city.coordinator), kind="consultation_event",
                                 area=areas["C"], held_on=timezone.localdate(),
                                 participants=10, consultations=3, connected=1,
                                 case_ids=[seen.pk])
    assert list(a.cases.all()) == [seen]
    b = services.activity_record(actor=actor(city.outsider), kind="consultation_event",
                                 area=areas["C"], held_on=timezone.localdate(), case_ids=[seen.pk])
    assert not b.cases.exists()


def test_the_form_records_a_training_with_completions(city, client):
    areas = make_areas(city)
    client.force_login(city.outsider)
    r = client.post("/community/activities/new/", {
        "kind": "training", "held_on": "R8.4.1", "area": "", "participants": "-3"})
    assert r.status_code == 400 and "0以上" in r.content.decode()
    r = client.post("/community/activities/new/", {
        "kind": "training", "held_on": timezone.localdate().isoformat(), "area": areas["S"].pk,
        "title": "見守りサポーター養成講座", "participants": "25", "completions": "22",
        "tags": ["community", "participation"]})
    assert r.status_code == 302
    page = client.get("/community/activities/?kind=training").content.decode()
    assert "見守りサポーター養成講座" in page and "地域づくり・参加支援" in page


def _place(city):
    provider = Provider.objects.create(municipality=city.municipality, name="NPO かさね")
    return Place.objects.create(municipality=city.municipality, provider=provider,
                                name="空き家の多世代交流拠点", kind="ibasho", status="published")


def test_a_hub_day_keeps_counts_only_and_a_second_save_replaces_it(city):
    place = _place(city)
    staff = actor(city.outsider)
    services.hub_log_save(actor=staff, place=place, on=timezone.localdate(), visits_children=5,
                          visits_elderly=8, consultations=2, connected=1, connected_to="地域包括")
    log = services.hub_log_save(actor=staff, place=place, on=timezone.localdate(),
                                visits_children=6, visits_elderly=8)
    assert HubLog.objects.count() == 1 and log.visits == 14 and log.consultations == 0
    with pytest.raises(ValidationError) as exc:
        services.hub_log_save(actor=staff, place=place, on=timezone.localdate(), visits_teens=-1)
    assert "中高生: 0以上" in " ".join(exc.value.messages)


def test_the_hub_page_totals_the_month(city, client):
    place = _place(city)
    client.force_login(city.outsider)
    r = client.post(f"/community/hubs/{place.pk}/", {
        "on": timezone.localdate().isoformat(), "visits_children": "3", "visits_adults": "4",
        "consultations": "1"})
    assert r.status_code == 302
    page = client.get(r.url).content.decode()
    assert "来所 7人" in page and "小学生以下 3人" in page
