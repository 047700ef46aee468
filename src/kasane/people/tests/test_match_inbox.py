"""The home page's 名寄せ section in one statement (``selectors.match_inbox``): the same counts
and rows as the queue's ``candidate_counts`` / ``candidates_for(visibility="both")``."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kasane.people.inbox import match_candidates_waiting
from kasane.people.models import MatchCandidate, MatchStatus, Person, RestrictionKind
from kasane.people.selectors import candidate_counts, candidates_for
from kasane.people.selectors.match_inbox import waiting_summary
from kasane.people.tests.factories import actor, make_person
from kasane.people.tests.test_matching_services import TAKAHASHI, TAKAHASHI_2, pair
from kasane.people.tests.test_matching_views import SAITO, SAITO_2

pytestmark = pytest.mark.django_db


def _candidate(a: Person, b: Person, score: float, status: str = MatchStatus.PENDING) -> MatchCandidate:
    low, high = sorted((a, b), key=lambda p: p.pk)
    cand, _ = MatchCandidate.objects.update_or_create(
        person_a=low, person_b=high,
        defaults={"municipality_id": a.municipality_id, "score": score, "band": "mid",
                  "status": status})
    return cand


def _queue(member, limit=5):
    return candidate_counts(member), [c.pk for c in candidates_for(member, visibility="both")[:limit]]


def _summary(member, limit=5):
    counts, rows = waiting_summary(member, limit=limit)
    return counts, [c.pk for c in rows]


def _city_with_candidates(city):
    """Decidable pairs with many scores (more than a page), one 保留, one decided (not
    open), one under 閲覧制限 the coordinator is not named on (shown score 0: last), one
    the coordinator is named on (sorted by its score) and one with a hidden side."""
    pair(city)
    make_person(city.coordinator, **SAITO)
    make_person(city.outsider, **SAITO_2)  # 社協's record the coordinator may not see
    own = [make_person(city.coordinator, given_name=f"花子{i}") for i in range(10)]
    for i in range(8):
        _candidate(own[i], own[i + 1], score=20.0 + (i * 7) % 5 + i / 10)
    _candidate(own[0], own[9], score=31.0, status=MatchStatus.HOLD)
    _candidate(own[1], own[9], score=99.0, status=MatchStatus.SAME)
    masked = make_person(city.coordinator, given_name="制限")
    Person.objects.filter(pk=masked.pk).update(restriction=RestrictionKind.DV)
    _candidate(masked, own[2], score=98.0)
    named = make_person(city.coordinator, given_name="指名")
    Person.objects.filter(pk=named.pk).update(restriction=RestrictionKind.DV)
    named.restriction_users.add(city.coordinator)
    _candidate(named, own[3], score=97.0)
    return own


def test_it_counts_and_lists_exactly_what_the_queue_does(city) -> None:
    _city_with_candidates(city)
    me = actor(city.coordinator)
    counts, rows = _summary(me)
    assert counts.decidable >= 10 and counts.one_side >= 1  # the scenario is not empty
    assert (counts, rows) == _queue(me)
    for limit in (1, 3, 50):
        assert _summary(me, limit) == _queue(me, limit)
    shown = _summary(me, 500)[1]  # a masked pair never sorts by its (hidden) score
    masked, low = (MatchCandidate.objects.get(score=s).pk for s in (98.0, 20.0))
    assert shown.index(masked) > shown.index(low)
    assert _summary(me, 1)[1] == [MatchCandidate.objects.get(score=97.0).pk]


def test_it_counts_the_pairs_with_a_hidden_side_and_nothing_else(city) -> None:
    make_person(city.recorder, **TAKAHASHI)  # neither 髙橋 record is shared: not visible
    make_person(city.outsider, **TAKAHASHI_2)
    make_person(city.coordinator, **SAITO)
    make_person(city.outsider, **SAITO_2)
    me = actor(city.coordinator)
    assert _summary(me) == _queue(me) == (candidate_counts(me), [])
    assert candidate_counts(me).one_side == 1 and candidate_counts(me).decidable == 0


def test_it_gives_nothing_to_actors_who_do_not_review(city) -> None:
    _city_with_candidates(city)
    for user in (city.recorder, city.partner, city.outsider, city.admin, city.auditor, city.liaison):
        counts, rows = waiting_summary(actor(user))
        assert (counts.total, rows) == (0, []), user
        assert match_candidates_waiting(user, actor(user)) is None


def test_the_section_runs_one_statement_and_logs_nothing(city) -> None:
    _city_with_candidates(city)
    me = actor(city.coordinator)
    from kasane.audit.models import AccessLog

    before = AccessLog.objects.count()
    waiting_summary(me)  # warm the compiled person rule
    with CaptureQueriesContext(connection) as queries:
        section = match_candidates_waiting(city.coordinator, me)
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, selects
    assert AccessLog.objects.count() == before
    counts, rows = _queue(me)
    assert section is not None and section.count == counts.decidable
    assert [item["url"] for item in section.items] == [f"/people/matching/{pk}/" for pk in rows]
    assert f"判断できる候補（未確認・保留）{counts.decidable} 件。ほかに相手の記録を閲覧できない候補 " \
           f"{counts.one_side} 件" == section.summary
