"""The policies' precompiled visibility rules (``access.compiled.pk_filter``): the same rows
as the rules built afresh, for every membership of the demo city; never one actor's rule for
another; every change of grants, involvements and memberships seen by the next query (only
the SQL text is cached, the database answers it when the query runs); the same AccessLog rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from kasane.access import compiled, policy
from kasane.access import services as access_services
from kasane.accounts.models import Membership, Role
from kasane.audit.models import AccessLog
from kasane.cases import policy as case_policy
from kasane.cases import services as case_services
from kasane.cases.tests.factories import setup_case
from kasane.participation import policy as participation_policy
from kasane.people.models import Purpose
from kasane.people.tests.factories import actor, make_person
from kasane.sheets import policy as sheet_policy
from kasane.web.demo import load_demo

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="rules are precompiled on PostgreSQL only")]


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    compiled.clear()
    yield
    compiled.clear()


def _ids(qs: QuerySet[Any]) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def _compiled_and_built(member: Membership) -> list[tuple[str, set[int], set[int]]]:
    """(rule, ids through the precompiled rule, ids of the rule built afresh at ``now``)."""
    now = timezone.now()
    return [
        ("persons", _ids(policy.visible_persons(member)),
         _ids(policy.visible_persons(member, at=now))),
        ("persons:participation",
         _ids(policy.visible_persons(member, purpose=Purpose.PARTICIPATION)),
         _ids(policy.visible_persons(member, purpose=Purpose.PARTICIPATION, at=now))),
        ("cases", _ids(case_policy.visible_cases(member)),
         _ids(case_policy.visible_cases(member, at=now))),
        ("records", _ids(sheet_policy.visible_records(member)),
         _ids(sheet_policy.visible_records(member, at=now))),
        ("matches", _ids(participation_policy.visible_matches(member)),
         _ids(participation_policy._visible_matches(member, now))),
        ("hosted", _ids(participation_policy.hosted_matches(member)),
         _ids(participation_policy._hosted_matches(member, now))),
    ]


def test_every_precompiled_rule_answers_what_the_built_rule_answers_on_the_demo_city(
        settings: Any) -> None:
    settings.DEMO_MODE = True
    load_demo()
    members = list(Membership.objects.select_related("organization", "user").order_by("pk"))
    seen: dict[str, set[frozenset[int]]] = {}
    for _ in range(2):  # cold, then warm: each actor's own entry
        for member in members:
            for name, got, built in _compiled_and_built(member):
                assert got == built, (member.user.username, member.role, name)
                seen.setdefault(name, set()).add(frozenset(got))
    assert compiled.stats["uncacheable"] == 0  # every rule took the precompiled path
    assert compiled.stats["hits"] > 0
    for name in ("persons", "cases", "records", "matches"):
        assert len(seen[name]) > 2, name  # the demo's actors see different rows


def test_the_precompiled_rule_is_a_self_contained_subquery(city: Any) -> None:
    s = setup_case(city)
    sql = str(case_policy.visible_cases(s.partner).query)
    assert " IN (SELECT " in sql and "EXISTS" in sql  # the whole rule, answered in the query
    assert "access_grant" in str(policy.visible_persons(s.partner).query)


def test_two_actors_never_share_a_rule(city: Any) -> None:
    s = setup_case(city)
    members = [s.coord, s.partner, s.outsider, actor(city.admin)]
    first = [_ids(case_policy.visible_cases(m)) for m in members]
    for member, expected in zip(reversed(members), reversed(first), strict=True):
        assert _ids(case_policy.visible_cases(member)) == expected
    assert first[0] == {s.case.pk} and first[2] == set() and first[3] == set()


def test_an_ended_involvement_is_seen_by_the_next_query(city: Any) -> None:
    s = setup_case(city)
    inv = case_services.involvement_ensure(actor=s.coord, case=s.case,
                                           organization=city.orgs["houkatsu"], role="member",
                                           basis="case_involvement")
    assert _ids(case_policy.visible_cases(s.partner)) == {s.case.pk}
    hits = compiled.stats["hits"]
    inv.ended_on = timezone.localdate()
    inv.save(update_fields=["ended_on"])
    assert _ids(case_policy.visible_cases(s.partner)) == set()
    assert compiled.stats["hits"] > hits  # the same cached SQL, a fresh answer


def test_a_new_grant_and_an_expired_one_are_seen_by_the_next_query(
        city: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    member, by = actor(city.recorder), actor(city.partner)
    person = make_person(city.partner)
    assert person.pk not in _ids(policy.visible_persons(member))
    now = timezone.now()
    access_services.grant_create(actor=by, person=person, basis="consent",
                                 organization=member.organization,
                                 valid_until=now + dt.timedelta(hours=1))
    assert person.pk in _ids(policy.visible_persons(member))
    later = now + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert person.pk not in _ids(policy.visible_persons(member))


def test_a_changed_role_or_an_ended_membership_is_another_key(city: Any) -> None:
    s = setup_case(city)
    member = s.partner
    case_services.involvement_ensure(actor=s.coord, case=s.case,
                                     organization=city.orgs["houkatsu"], role="member",
                                     basis="case_involvement")
    assert _ids(case_policy.visible_cases(member)) == {s.case.pk}
    member.role = Role.ADMIN
    member.save()
    assert _ids(case_policy.visible_cases(member)) == set()
    assert _ids(sheet_policy.visible_records(member)) == set()
    member.role = Role.CASEWORKER
    member.is_active = False
    member.save()
    assert _ids(case_policy.visible_cases(member)) == set()
    member.is_active = True
    member.save()
    assert _ids(case_policy.visible_cases(member)) == {s.case.pk}


def test_the_same_access_log_rows_with_and_without_the_precompiled_rule(
        city: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    s = setup_case(city)
    other = case_services.case_open(actor=s.outsider, person_ids=[make_person(city.outsider).pk],
                                    summary="社協のケース", triage="3", tags=[])

    def reads() -> list[tuple[Any, ...]]:
        start = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        case_policy.require_case(s.coord, s.case.pk)
        with pytest.raises(Exception, match="見つかりません"):
            case_policy.require_case(s.coord, other.pk)
        case_policy.read_cases(s.coord, [s.case.pk, other.pk])
        return list(AccessLog.objects.filter(pk__gt=start).order_by("pk").values_list(
            "action", "basis", "object_type", "object_id", "person_id"))

    cached = reads()
    assert len(cached) == 3
    monkeypatch.setattr(compiled, "pk_filter", lambda *a, **k: None)
    assert reads() == cached
