"""Search reads each candidate branch with ONE statement that also carries the shown
persons' columns and each row's basis, and writes the access log with ONE INSERT (issue
21) — and what is shown and logged is exactly what the one rule (``access.policy``) gives:
the same persons, bases and masking as ``visible_persons`` / ``bases_for`` /
``person_view``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import signals
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kasane.access import policy
from kasane.access import services as access_services
from kasane.audit.models import AccessLog
from kasane.people import services as people_services
from kasane.people.models import Person
from kasane.people.presenters import MASK, person_view
from kasane.people.selectors import person_search
from kasane.people.tests.factories import actor, make_consent, make_person

pytestmark = pytest.mark.django_db

def _last_log_id() -> int:
    return AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


ACTORS = ["recorder", "partner", "outsider", "coordinator", "liaison", "admin"]


@pytest.fixture
def register(city):
    """タカハシ persons under every basis: own record, consent, case involvement, a grant to one
    user, an ended and an expired grant, a 閲覧制限 naming the partner, none at all."""
    def person(by, given, kana, **fields):
        return make_person(by, family_name="高橋", given_name=given, family_name_kana="タカハシ",
                           given_name_kana=kana, **fields)

    made = {
        "own": person(city.recorder, "一郎", "イチロウ", birth_date=dt.date(1950, 1, 2)),
        "consent": person(city.recorder, "二郎", "ジロウ", birth_date=None),
        "case": person(city.partner, "三郎", "サブロウ"),
        "user": person(city.partner, "四郎", "シロウ"),
        "ended": person(city.partner, "五郎", "ゴロウ"),
        "expired": person(city.partner, "六郎", "ロクロウ"),
        "named": person(city.recorder, "七子", "ナナコ", phone="090-1111-2222"),
        "nobody": person(city.outsider, "八郎", "ハチロウ"),
    }
    partner_org = actor(city.partner).organization
    make_consent(city.recorder, made["consent"], [partner_org])
    by = actor(city.partner)
    access_services.grant_create(actor=by, person=made["case"], basis="case_involvement",
                                 organization=actor(city.recorder).organization)
    access_services.grant_create(actor=by, person=made["user"], basis="consent",
                                 user=city.coordinator)
    ended = access_services.grant_create(actor=by, person=made["ended"], basis="consent",
                                         organization=actor(city.recorder).organization)
    access_services.grant_end(actor=by, grant=ended, reason="終了")
    now = timezone.now()
    access_services.grant_create(actor=by, person=made["expired"], basis="consent",
                                 organization=actor(city.recorder).organization,
                                 valid_from=now - dt.timedelta(days=10),
                                 valid_until=now - dt.timedelta(days=1))
    people_services.person_restriction_set(actor=actor(city.recorder), person=made["named"],
                                           kind="dv", user_ids=[city.partner.pk])
    return made


@pytest.mark.parametrize("q,limit,selects", [
    ("タカハシ", 3, 1),  # the family-name reading fills the page: the other ranges wait
    ("タカハシ", 50, 2),  # it does not: the other key columns, one more statement
    ("高橋", 50, 2),
    ("たかはし ななこ", 50, 3),  # and the words matched separately, a third
    ("ナナコ タカハシ", 50, 3),
])
def test_it_reads_a_statement_a_branch_and_logs_in_one(city, register, q, limit, selects
                                                       ) -> None:
    member = actor(city.recorder)
    with CaptureQueriesContext(connection) as ctx:
        result = person_search(member, q, limit=limit)
    assert result.items and not result.error
    sqls = [c["sql"] for c in ctx.captured_queries]
    assert len(sqls) == selects + 1, sqls
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in sqls[:-1])
    assert 'INSERT INTO "audit_accesslog"' in sqls[-1]  # one multi-row INSERT (SQLite: executemany)
    with CaptureQueriesContext(connection) as ctx:
        person_search(member, q, limit=limit, log=False)
    assert len(ctx.captured_queries) == selects


@pytest.mark.parametrize("who", ACTORS)
def test_it_shows_and_logs_what_the_policy_gives(city, register, who) -> None:
    member = actor(getattr(city, who))
    before = _last_log_id()
    result = person_search(member, "タカハシ")
    ids = [item.id for item in result.items]
    expected = set(policy.visible_persons(member).filter(kana_key__startswith="タカハシ")
                   .values_list("pk", flat=True))
    assert set(ids) == expected
    bases = policy.bases_for(member, ids, action="search")
    logged = AccessLog.objects.filter(id__gt=before)
    assert {r.action for r in logged} <= {"person.search"}
    assert {(r.person_id, r.basis) for r in logged} == set(bases.items())
    assert all(r.user_id == member.user_id and r.organization_id == member.organization_id
               for r in logged)
    # every shown field exactly as the person page shows it (types, masking, recorder)
    for item in result.items:
        assert item == person_view(member, Person.objects.get(pk=item.id))


def test_the_bases_cover_every_grant_kind(city, register) -> None:
    recorder, partner, coordinator = (actor(getattr(city, n))
                                      for n in ("recorder", "partner", "coordinator"))

    def logged(member):
        before = _last_log_id()
        person_search(member, "タカハシ")
        return {r.person_id: r.basis for r in AccessLog.objects.filter(id__gt=before)}

    r = register
    assert logged(recorder) == {r["own"].pk: "own_record", r["consent"].pk: "own_record",
                                r["case"].pk: "case_involvement", r["named"].pk: "own_record"}
    got = logged(partner)
    assert got[r["consent"].pk] == "consent" and got[r["named"].pk] == "restriction_named"
    assert r["ended"].pk in got and r["own"].pk not in got  # its own record; not the city's
    assert logged(coordinator)[r["user"].pk] == "consent"  # a grant to that user alone


def test_a_restricted_person_is_masked_for_all_but_the_named(city, register) -> None:
    hit = {i.id: i for i in person_search(actor(city.recorder), "タカハシ").items}
    assert hit[register["named"].pk].phone == MASK and hit[register["named"].pk].masked
    hit = {i.id: i for i in person_search(actor(city.partner), "タカハシ").items}
    assert hit[register["named"].pk].phone == "090-1111-2222"
    assert not hit[register["named"].pk].masked


def test_a_row_becomes_the_person_it_was_read_from(city, register) -> None:
    """The statement reads only the columns ranking, the basis and the view need; each row
    becomes a Person with exactly those loaded, each the stored value, the rest deferred."""
    from kasane.people.selectors import persons as selectors

    rows, _ = selectors._candidates(actor(city.recorder), selectors.parse_query("タカハシ"), 50)
    assert len(rows) >= 4
    db = connections[DEFAULT_DB_ALIAS]
    converters, orgs = selectors._converters(db), {}
    loaded = set(selectors._PERSON_ATTNAMES)
    for row in rows:
        person = selectors._person(row, converters, orgs, db)
        stored = Person.objects.select_related("created_by_org").get(pk=person.pk)
        assert person.get_deferred_fields() == {
            f.attname for f in Person._meta.concrete_fields} - loaded
        for name in loaded:
            assert getattr(person, name) == getattr(stored, name), name
        assert person.created_by_org.name == stored.created_by_org.name
        assert not person._state.adding and person._state.db == stored._state.db
        assert person.created_at == stored.created_at  # a deferred field loads on access
    # the rows skip Model.__init__ and with it the init signals: Person must have none
    assert not signals.pre_init.has_listeners(Person)
    assert not signals.post_init.has_listeners(Person)
