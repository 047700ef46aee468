"""名寄せ API: list, detail, decide, unmerge, identity, batch run."""

import pytest

from kasane.people.models import MatchCandidate, MatchRun, PersonLink
from kasane.people.tests.factories import make_person
from kasane.people.tests.test_matching_services import TAKAHASHI, TAKAHASHI_2, pair

pytestmark = pytest.mark.django_db


def test_it_lists_and_decides_candidates(city, client) -> None:
    a, b = pair(city)
    cand = MatchCandidate.objects.get()
    client.force_login(city.partner)
    assert client.get("/api/v1/match-candidates").status_code == 403
    client.force_login(city.coordinator)
    data = client.get("/api/v1/match-candidates?sort=band").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["decidable"] and item["band"] in ("high", "review") and item["score"] >= 18
    assert {p["id"] for p in item["persons"]} == {a.pk, b.pk}
    assert any("入れ替わり" in c["label"] for c in item["comparisons"])
    url = f"/api/v1/match-candidates/{cand.pk}/decide"
    bad = client.post(url, {"decision": "maybe"}, content_type="application/json")
    assert bad.status_code == 400 and "decision" in bad.json()["errors"]
    ok = client.post(url, {"decision": "same", "note": "確認済み"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "same" and ok.json()["link_id"]
    again = client.post(url, {"decision": "different"}, content_type="application/json")
    assert again.status_code == 400
    ident = client.get(f"/api/v1/persons/{a.pk}/identity").json()
    assert {m["id"] for m in ident["members"]} == {a.pk, b.pk} and len(ident["links"]) == 1
    link_id = ok.json()["link_id"]
    assert client.post(f"/api/v1/person-links/{link_id}/unmerge", {"reason": ""},
                       content_type="application/json").status_code == 400
    undone = client.post(f"/api/v1/person-links/{link_id}/unmerge", {"reason": "誤り"},
                         content_type="application/json")
    assert undone.status_code == 200 and undone.json()["ended_at"]
    assert not PersonLink.objects.filter(ended_at__isnull=True).exists()
    assert client.get(f"/api/v1/match-candidates/{cand.pk}").json()["status"] == "pending"


def test_it_returns_only_the_visible_side_of_a_half_visible_pair(city, client) -> None:
    a = make_person(city.coordinator, **TAKAHASHI)
    b = make_person(city.outsider, **TAKAHASHI_2)
    cand = MatchCandidate.objects.get()
    client.force_login(city.coordinator)
    item = client.get(f"/api/v1/match-candidates/{cand.pk}").json()
    assert [p["id"] for p in item["persons"]] == [a.pk] and item["other_hidden"]
    assert item["score"] is None and item["band"] is None and item["comparisons"] == []
    assert "社協" not in str(item) and "重ね市本町3-4-5" not in str(item) and b.pk
    assert client.post(f"/api/v1/match-candidates/{cand.pk}/decide", {"decision": "same"},
                       content_type="application/json").status_code == 403


def test_it_answers_404_for_a_pair_with_no_visible_side_or_of_another_city(city, client) -> None:
    pair(city, shared_with=("houkatsu",))
    cand = MatchCandidate.objects.get()
    client.force_login(city.coordinator)
    assert client.get(f"/api/v1/match-candidates/{cand.pk}").status_code == 404
    assert client.get("/api/v1/match-candidates").json()["count"] == 0
    assert client.post("/api/v1/person-links/999/unmerge", {"reason": "x"},
                       content_type="application/json").status_code == 404


def test_it_starts_a_batch_run(city, client) -> None:
    client.force_login(city.coordinator)
    response = client.post("/api/v1/match-runs")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert client.post("/api/v1/match-runs").status_code == 400  # one at a time
    assert MatchRun.objects.get().trigger == "api"
    client.force_login(city.recorder)
    assert client.post("/api/v1/match-runs").status_code == 403
