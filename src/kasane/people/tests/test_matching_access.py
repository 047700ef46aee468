"""A merge never widens access: after A≡B, whoever could see A but not B still cannot see B's
data — nor that B exists — on any screen, search or API; and unmerge restores the pages."""

import datetime as dt
import re

import pytest

from kasane.access import policy
from kasane.access.models import Grant
from kasane.people import services as ms
from kasane.people.models import MatchCandidate
from kasane.people.tests.factories import actor, make_consent, make_person

pytestmark = pytest.mark.django_db

A = {"family_name": "齋藤", "given_name": "和子", "family_name_kana": "サイトウ",
     "given_name_kana": "カズコ", "birth_date": dt.date(1948, 7, 21), "phone": "",
     "address": "重ね市北町1丁目2番3号"}
B = {"family_name": "斉藤", "given_name": "和子", "family_name_kana": "ｻｲﾄｳ",
     "given_name_kana": "かずこ", "birth_date": dt.date(1948, 7, 21), "phone": "090-7777-8888",
     "address": "重ね市港町5丁目6番7号"}
B_SECRETS = ("090-7777-8888", "重ね市港町5丁目6番7号", "斉藤\u3000和子")


def _norm(html: str) -> str:
    """A page without its per-request tokens (CSRF, CSP nonce)."""
    return re.sub(r'[A-Za-z0-9]{32,}|nonce="[^"]+"', "", html)


@pytest.fixture
def merged(city):
    """A: 障害相談's record, shared with 市 and 地域包括 (partner). B: 社協's record (outsider),
    shared with 市 only. The coordinator (市) sees both and decides 同一人物."""
    a = make_person(city.recorder, **A)
    b = make_person(city.outsider, **B)
    make_consent(city.recorder, a, [city.orgs["city"], city.orgs["houkatsu"]])
    make_consent(city.outsider, b, [city.orgs["city"]])
    return a, b


def _pages(client, a, b):
    """Everything partner can fetch about A (and tries about B), as one text."""
    texts = [client.get(url).content.decode() for url in (
        f"/people/{a.pk}/", f"/people/{a.pk}/identity/", "/people/?q=サイトウ",
        "/people/?q=斉藤", "/api/v1/persons?q=サイトウ", f"/api/v1/persons/{a.pk}",
        f"/api/v1/persons/{a.pk}/identity", "/")]
    return "\n".join(texts)


def test_a_merge_does_not_widen_access_and_unmerge_restores_the_pages(city, client, merged) -> None:
    a, b = merged
    client.force_login(city.coordinator)
    coordinator_before = _norm(client.get(f"/people/{a.pk}/").text)
    partner = actor(city.partner)
    visible_before = set(policy.visible_persons(partner).values_list("pk", flat=True))
    grants_before = sorted(Grant.objects.values_list("pk", "organization_id", "person_id", "ended_at"))
    client.force_login(city.partner)
    detail_before = client.get(f"/people/{a.pk}/").text
    before = _pages(client, a, b)
    assert "齋藤\u3000和子" in before
    assert not any(s in before for s in B_SECRETS)

    ms.match_decide(actor=actor(city.coordinator), candidate=MatchCandidate.objects.get(),
                    decision="same", note="")

    assert set(policy.visible_persons(partner).values_list("pk", flat=True)) == visible_before
    assert sorted(Grant.objects.values_list("pk", "organization_id", "person_id", "ended_at")) \
        == grants_before
    assert client.get(f"/people/{b.pk}/").status_code == 404
    assert client.get(f"/api/v1/persons/{b.pk}").status_code == 404
    assert client.get(f"/api/v1/persons/{b.pk}/identity").status_code == 404
    after = _pages(client, a, b)
    assert not any(s in after for s in B_SECRETS)
    assert f"本人ID {b.pk}" not in after and f"/people/{b.pk}/" not in after
    assert "identity-summary" not in after  # not even "1 more record"
    assert "identity-none" in client.get(f"/people/{a.pk}/identity/").text
    api = client.get(f"/api/v1/persons/{a.pk}/identity").json()
    assert api["members"] == [] and api["links"] == []
    # the page is exactly what it was (apart from per-request tokens)
    assert _norm(client.get(f"/people/{a.pk}/").text) == _norm(detail_before)

    # the other side: 社協 sees B but not A, and learns nothing about A either
    client.force_login(city.outsider)
    texts = client.get(f"/people/{b.pk}/").text + client.get(f"/people/{b.pk}/identity/").text
    assert "齋藤" not in texts and "重ね市北町1丁目2番3号" not in texts
    assert client.get(f"/people/{a.pk}/").status_code == 404

    # the coordinator sees both records on the merged page, each on its own basis
    client.force_login(city.coordinator)
    page = client.get(f"/people/{a.pk}/identity/").text
    assert "齋藤\u3000和子" in page and "斉藤\u3000和子" in page
    assert page.count("根拠: 本人同意") == 2
    assert _norm(client.get(f"/people/{a.pk}/").text) != coordinator_before  # "1 more record"

    # unmerge: the coordinator's page of A is exactly as before the merge
    from kasane.people.models import PersonLink

    ms.link_unmerge(actor=actor(city.coordinator), link=PersonLink.objects.get(), reason="誤り")
    assert _norm(client.get(f"/people/{a.pk}/").text) == coordinator_before


def test_the_coordinator_sees_no_unshared_cluster_member(city, client, merged) -> None:
    """A third record C (地域包括, shared with nobody but the coordinator's earlier link) stays
    invisible to the coordinator even when it is linked to B by a colleague who sees it."""
    from kasane.accounts.models import Membership, Role, User

    a, b = merged
    ms.match_decide(actor=actor(city.coordinator), candidate=MatchCandidate.objects.get(),
                    decision="same")
    # a coordinator of 地域包括 sees B through a consent and C as its own record
    hk = User.objects.create_user(username="hk_coord", password="x", municipality=city.municipality)
    Membership.objects.create(user=hk, organization=city.orgs["houkatsu"], role=Role.COORDINATOR)
    make_consent(city.outsider, b, [city.orgs["houkatsu"]])
    c = make_person(hk, **{**B, "phone": "03-9999-0000", "address": "重ね市栄町9-9-9"})
    cand = MatchCandidate.objects.get(status="pending", person_a=b, person_b=c)
    ms.match_decide(actor=actor(hk), candidate=cand, decision="same")
    client.force_login(city.coordinator)
    page = client.get(f"/people/{a.pk}/identity/").text
    assert "斉藤\u3000和子" in page and "重ね市栄町9-9-9" not in page and "03-9999-0000" not in page
    assert f"本人ID {c.pk}" not in page
