"""The compiled-policy cache of search (``access.compiled``): a cached predicate is
never served to another actor, nor to the same actor after a change the policy reads, and the
time grants are checked against is always the current one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from kasane.access import compiled, policy
from kasane.access import services as access_services
from kasane.accounts.models import Role
from kasane.audit.models import AccessLog
from kasane.people.selectors import person_search
from kasane.people.tests.factories import actor, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    compiled.clear()
    yield
    compiled.clear()


def _ids(member, q="タカハシ"):
    return {item.id for item in person_search(member, q).items}


def _expected(member):
    return set(policy.visible_persons(member).filter(kana_key__startswith="タカハシ")
               .values_list("pk", flat=True))


@pytest.fixture
def persons(city):
    return {who: make_person(getattr(city, who), family_name="高橋", given_name=who,
                             family_name_kana="タカハシ", given_name_kana="タロウ")
            for who in ("recorder", "partner", "outsider")}


def test_each_actor_gets_its_own_predicate_from_a_warm_cache(city, persons) -> None:
    members = [actor(getattr(city, who)) for who in ("recorder", "partner", "outsider",
                                                     "coordinator", "admin")]
    first = [_ids(m) for m in members]
    hits = compiled.stats["hits"]
    for _ in range(2):
        for member, seen in zip(reversed(members), reversed(first), strict=True):
            assert _ids(member) == seen == _expected(member)
    assert compiled.stats["hits"] > hits  # served from the cache, and still each their own
    assert first[0] != first[1] and persons["recorder"].pk in first[0]
    assert first[-1] == set()  # admin: no case role, nobody


def test_the_grants_are_checked_against_the_current_time(city, persons, monkeypatch) -> None:
    member, by = actor(city.recorder), actor(city.partner)
    # noon today: a grant ends and another starts a minute later, on the same local date (the
    # date is part of the cache key, so a test across midnight would not test the cache)
    now = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(12)))
    monkeypatch.setattr(timezone, "now", lambda: now)
    ends = make_person(city.partner, family_name="高橋", family_name_kana="タカハシ",
                       given_name="終", given_name_kana="オワリ")
    starts = make_person(city.partner, family_name="高橋", family_name_kana="タカハシ",
                         given_name="始", given_name_kana="ハジメ")
    access_services.grant_create(actor=by, person=ends, basis="consent",
                                 organization=member.organization,
                                 valid_until=now + dt.timedelta(minutes=1))
    access_services.grant_create(actor=by, person=starts, basis="consent",
                                 organization=member.organization,
                                 valid_from=now + dt.timedelta(minutes=1))
    ids = _ids(member)
    assert ends.pk in ids and starts.pk not in ids
    hits = compiled.stats["hits"]
    later = now + dt.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    ids = _ids(member)  # the cached predicate, with the time put back
    assert ends.pk not in ids and starts.pk in ids
    assert compiled.stats["hits"] > hits
    assert AccessLog.objects.filter(person_id=starts.pk, basis="consent").exists()


def test_a_changed_membership_is_a_different_key(city, persons) -> None:
    member = actor(city.recorder)
    assert persons["recorder"].pk in _ids(member)
    member.is_active = False
    member.save()
    assert _ids(member) == set()
    member.is_active = True
    member.role = Role.ADMIN
    member.save()
    assert _ids(member) == set()


def test_a_param_derived_from_the_time_is_never_cached() -> None:
    calls = []

    def build(at):
        calls.append(at)
        return "x < %s", [at - dt.timedelta(days=1)]

    member = _FakeActor()
    for _ in range(3):
        sql, params = compiled.fragment("derived", member, build)
        assert sql == "x < %s" and params[0] > timezone.now() - dt.timedelta(days=2)
    assert compiled.stats["uncacheable"] >= 3


def test_a_fragment_that_reads_the_database_is_never_cached(city) -> None:
    def build(at):
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        return "y = %s", [at]

    member = _FakeActor()
    before = compiled.stats["uncacheable"]
    compiled.fragment("reads", member, build)
    compiled.fragment("reads", member, build)
    assert compiled.stats["uncacheable"] == before + 2


def test_the_time_slot_gets_the_current_time() -> None:
    builds = []

    def build(at):
        builds.append(at)
        return "z >= %s AND k = %s", [compiled._prep(at), 7]

    member = _FakeActor()
    _, first = compiled.fragment("slot", member, build)
    _, second = compiled.fragment("slot", member, build)
    assert len(builds) == 2  # both sentinels, once; the second call is a hit
    assert first[1] == second[1] == 7
    assert first[0] not in compiled._SENTINELS and second[0] not in [
        compiled._prep(s) for s in compiled._SENTINELS]


class _FakeActor:
    pk = user_id = organization_id = -1
    role = "x"
    is_active = True

    class organization:  # noqa: N801
        municipality_id = -1
        is_active = True
