"""参加支援 API: the same services and policy as the screens."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from .factories import setup

pytestmark = pytest.mark.django_db


def test_it_records_wishes_proposes_answers_starts_and_follows_up(city: Any, client: Any) -> None:
    s = setup(city)
    client.force_login(city.coordinator)
    base = f"/api/v1/cases/{s.case.pk}/participation"
    r = client.put(base + "/wish", {"wants": "人と話したい", "roles": ["work_trial"],
                                    "area_id": s.area.pk}, content_type="application/json")
    assert r.status_code == 200, r.content
    r = client.get(base + "/suggestions")
    assert r.json()["items"][0]["place"] == "北のカフェ"
    assert "同じ圏域（北部圏域）" in r.json()["items"][0]["reasons"]
    today = timezone.localdate()
    r = client.post(base + "/matches", {"place_id": s.place.pk,
                                        "proposed_on": (today - dt.timedelta(days=9)).isoformat()},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    url = f"/api/v1/participation/matches/{mid}"
    assert client.post(url + "/answer", {"answer": "accepted", "via": "paper",
                                         "answer_on": (today - dt.timedelta(days=9)).isoformat()},
                       content_type="application/json").json()["stage"] == "accepted"
    r = client.post(url + "/start", {"on": (today - dt.timedelta(days=8)).isoformat()},
                    content_type="application/json")
    assert r.json()["stage"] == "started" and len(r.json()["follow_ups"]) == 3
    r = client.post(url + "/follow-ups", {"on": (today - dt.timedelta(days=9)).isoformat()},
                    content_type="application/json")
    assert r.status_code == 400 and "on" in r.json()["errors"]
    r = client.post(url + "/follow-ups", {"on": today.isoformat(), "condition": "stable"},
                    content_type="application/json")
    assert r.status_code == 200
    assert client.get(base).json()["matches"][0]["stage"] == "started"
    client.force_login(city.outsider)
    assert client.get(url).status_code == 404
    assert client.get(base).status_code == 404


def test_it_registers_and_lists_volunteers_for_the_registering_org(city: Any,
                                                                   client: Any) -> None:
    setup(city)
    client.force_login(city.outsider)
    r = client.post("/api/v1/participation/volunteers", {"name": "田中一郎"},
                    content_type="application/json")
    assert r.status_code == 201
    assert client.get("/api/v1/participation/volunteers").json()["count"] == 1
    client.force_login(city.partner)
    assert client.get("/api/v1/participation/volunteers").json()["count"] == 0
    r = client.post("/api/v1/participation/volunteers", {"name": ""},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"]["name"] == "氏名を入力してください。"


def test_it_ranks_suggestions_for_the_named_subject_else_the_first(city: Any,
                                                                    client: Any) -> None:
    from kasane.cases import services as case_services
    from kasane.people.tests.factories import make_person

    s = setup(city)
    second, stranger = make_person(city.coordinator), make_person(city.coordinator)
    case = case_services.case_open(actor=s.coord, person_ids=[s.person.pk, second.pk],
                                   summary="二人の世帯", triage="3", tags=[])
    client.force_login(city.coordinator)
    base = f"/api/v1/cases/{case.pk}/participation"
    r = client.put(base + "/wish", {"person_id": second.pk, "wants": "人と話したい",
                                    "roles": ["work_trial"],
                                    "area_id": s.area.pk}, content_type="application/json")
    assert r.status_code == 200, r.content
    near = "同じ圏域（北部圏域）"
    assert near in client.get(base + f"/suggestions?person_id={second.pk}").json()["items"][0]["reasons"]
    for query in ("", f"?person_id={stranger.pk}"):  # not a subject: the primary subject's
        items = client.get(base + "/suggestions" + query).json()["items"]
        assert items and near not in items[0]["reasons"]
