"""名寄せ under 閲覧制限 (issue 22 finding 4): a pair whose record is masked for the actor shows
no band and no score, and is never filtered or ordered by them — otherwise registering copies
with guessed addresses would tell which street is right."""

import pytest

from kasane.people import selectors, services
from kasane.people.models import MatchCandidate
from kasane.people.tests.factories import actor
from kasane.people.tests.test_matching_services import pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def masked_pair(city):
    a, b = pair(city)
    services.person_restriction_set(actor=actor(city.outsider), person=b, kind="dv",
                                    user_ids=[city.outsider.pk])
    return MatchCandidate.objects.get()


def test_the_queue_and_the_review_page_hide_the_band(city, client, masked_pair) -> None:
    client.force_login(city.coordinator)
    for url in ("/people/matching/", f"/people/matching/{masked_pair.pk}/"):
        page = client.get(url).text
        assert "判定は表示しません（閲覧制限）" in page
        assert f'class="tag match-band-{masked_pair.band}"' not in page
        assert 'class="tag match-band-masked"' in page


def test_the_band_filter_never_finds_a_masked_pair(city, client, masked_pair) -> None:
    me = actor(city.coordinator)
    for band in ("high", "review", "low"):
        assert not selectors.candidates_for(me, band=band).exists()
    rows = selectors.candidate_views(me, list(selectors.candidates_for(me)))
    assert [r.band for r in rows] == [None] and rows[0].score is None
    client.force_login(city.coordinator)
    items = client.get("/api/v1/match-candidates").json()["items"]
    assert items and all(i["band"] is None and i["score"] is None for i in items)
    assert client.get(f"/api/v1/match-candidates?band={masked_pair.band}").json()["items"] == []


def test_a_named_user_still_sees_the_band(city, masked_pair) -> None:
    b = masked_pair.person_b if masked_pair.person_b.restriction else masked_pair.person_a
    services.person_restriction_set(actor=actor(city.outsider), person=b, kind="dv",
                                    user_ids=[city.outsider.pk, city.coordinator.pk])
    me = actor(city.coordinator)
    rows = selectors.candidate_views(me, list(selectors.candidates_for(me, band=masked_pair.band)))
    assert rows and rows[0].band == masked_pair.band and rows[0].score is not None
