"""Search reads the page + 1 rows per key range, and the other ranges only when the first does
not fill the page (issue 21). Contract: ``truncated`` is True exactly when more visible
persons match than are shown, and when it is False the items are exactly the ranking of
EVERY matching visible person (the same answer as reading all of them) — for kana prefixes,
kanji, mixed and reordered words, birth dates, phones, restricted persons and another
tenant's namesakes."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from kasane.access import policy
from kasane.people import services as people_services
from kasane.people.models import Person
from kasane.people.selectors import person_search
from kasane.people.selectors import persons as selectors
from kasane.people.tests.factories import actor, make_consent, make_person

pytestmark = pytest.mark.django_db

FAMILIES = [("高橋", "タカハシ"), ("高田", "タカダ"), ("田中", "タナカ"), ("竹内", "タケウチ")]
GIVENS = [("花子", "ハナコ"), ("孝", "タカシ"), ("貴子", "タカコ"), ("太郎", "タロウ"), ("一", "ハジメ")]
QUERIES = ["タカ", "たか", "タカハシ", "高田", "高橋", "ハナコ", "たかはし はなこ", "ハナコ タカハシ",
           "高橋 花子", "タカ S50", "タカハシ 1975-04-01", "S50.4.1", "03-1234", "タカ 03-1234",
           "タナカ タロウ", "竹内 孝"]


@pytest.fixture
def register(city):
    """~40 persons over four families and five given names, recorded by three organizations
    (so some are invisible to each actor), some with a consent, one 閲覧制限, a few born on
    the same day or sharing a phone prefix; and namesakes in another municipality."""
    rnd = random.Random(21)
    made = []
    for i in range(40):
        (fam, fam_kana), (given, given_kana) = rnd.choice(FAMILIES), rnd.choice(GIVENS)
        by = (city.recorder, city.recorder, city.partner, city.outsider)[i % 4]
        made.append(make_person(by, family_name=fam, given_name=given,
                                family_name_kana=fam_kana, given_name_kana=given_kana,
                                birth_date=dt.date(1975, 4, 1 + i % 3),
                                phone=f"03-1234-{5000 + i}" if i % 2 else "090-0000-0000"))
    make_consent(city.partner, made[2], [city.orgs["shougai"]])
    people_services.person_restriction_set(actor=actor(city.recorder), person=made[0],
                                           kind="dv", user_ids=[city.partner.pk])
    for fam, fam_kana in FAMILIES:  # another tenant's namesakes: never seen
        p = Person(municipality=city.other, created_by_org=city.other_org, family_name=fam,
                   given_name="花子", family_name_kana=fam_kana, given_name_kana="ハナコ")
        people_services.persons._apply_keys(p)
        p.save()
    return made


def _starts(key: str, fields: tuple[str, ...]) -> Q:
    q = Q(pk__in=[])
    for f in fields:
        q |= Q(**{f"{f}__startswith": key})
    return q


def _reference(member, q: str, limit: int) -> tuple[list[int], bool]:
    """Every matching visible person read through the policy's queryset, ranked by the
    search's own score: (the first ``limit`` ids, whether more than ``limit`` matched)."""
    parsed = selectors.parse_query(q)
    base = policy.visible_persons(member)
    if parsed.birth:
        base = base.filter(birth_date__range=parsed.birth)
    if parsed.phone:
        base = base.filter(phone_key__startswith=parsed.phone)
    if not parsed.names:
        found = list(base)
    else:
        joined = "".join(parsed.names)
        fields = selectors.NAME_FIELDS if len(parsed.names) == 1 else ("name_key", "kana_key")
        found = list(base.filter(_starts(joined, fields)))
        if len(parsed.names) > 1 and len(found) < limit:
            words = base
            for key in parsed.names:
                words = words.filter(_starts(key, selectors.NAME_FIELDS))
            found += [p for p in words if p not in found]
    found.sort(key=lambda p: (-selectors._score((p.name_key, p.kana_key, p.given_name_key,
                                                  p.given_kana_key), parsed.names),
                              p.kana_key, p.pk))
    return [p.pk for p in found[:limit]], len(found) > limit


@pytest.mark.parametrize("who", ["recorder", "partner", "coordinator", "outsider"])
def test_an_untruncated_answer_is_the_ranking_of_every_match(city, register, who) -> None:
    member = actor(getattr(city, who))
    untruncated = 0
    for q in QUERIES:
        for limit in (1, 2, 3, 5, 8, 50):
            result = person_search(member, q, limit=limit, log=False)
            assert not result.error, (q, result.error)
            ids = [item.id for item in result.items]
            expected, more = _reference(member, q, limit)
            assert result.truncated == more, (q, limit)
            assert len(ids) == (limit if more else len(expected))
            if not more:
                untruncated += 1
                assert ids == expected, (q, limit)
            else:  # a window of the matches, each one a match the actor may see
                assert set(ids) <= set(_reference(member, q, 10_000)[0]), (q, limit)
    assert untruncated >= 10 or who == "outsider"


def test_a_kana_prefix_that_fills_the_page_reads_one_range(city) -> None:
    """"タカ" with two タカハシ on a page of one: the family-name reading alone fills it, so the
    given-name range (タカコ) is not read; on a page of five it is."""
    taka = [make_person(city.recorder, family_name="高橋", given_name=g,
                        family_name_kana="タカハシ", given_name_kana=k)
            for g, k in (("一", "ハジメ"), ("二", "ジロウ"))]
    takako = make_person(city.recorder, family_name="山田", given_name="貴子",
                         family_name_kana="ヤマダ", given_name_kana="タカコ")
    member = actor(city.recorder)
    narrow = person_search(member, "タカ", limit=1, log=False)
    assert narrow.truncated and [i.id for i in narrow.items][0] in {p.pk for p in taka}
    with CaptureQueriesContext(connection) as ctx:
        person_search(member, "タカ", limit=1, log=False)
    [sql] = [c["sql"] for c in ctx.captured_queries]  # the other ranges wait on the first
    assert "given_kana_key" not in sql.split(' FROM "people_person" WHERE ', 1)[1]
    wide = person_search(member, "タカ", limit=5, log=False)
    assert not wide.truncated
    assert {i.id for i in wide.items} == {*(p.pk for p in taka), takako.pk}


@pytest.mark.parametrize("q,first", [("タカ", "kana_key"), ("たかはし はなこ", "kana_key"),
                                     ("高橋", "name_key"), ("高橋 はなこ", "name_key"),
                                     ("takahashi", "name_key")])
def test_the_first_range_is_the_one_the_query_is_written_in(q, first) -> None:
    assert selectors._name_fields(selectors.parse_query(q))[0] == first


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side binding")
def test_the_statement_is_bound_server_side_and_never_prepared(city, register) -> None:
    """The values travel apart from the text ($1, $2, …) and no named statement is left on
    the server (a generic plan of the grant probe hashes every grant: issue 21)."""
    member = actor(city.recorder)
    first = person_search(member, "タカハシ", log=False)
    import psycopg

    raws = []

    def spy(execute, sql, params, many, context):
        raws.append(context["cursor"].cursor)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        for _ in range(7):
            assert person_search(member, "タカハシ", log=False) == first
    # "タカハシ" fills no page here: two statements a search (the first range, the others)
    assert len(raws) == 14 and not any(isinstance(r, psycopg.ClientCursor) for r in raws)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cur.fetchone()[0] == 0
    other = actor(city.partner)  # the same text for another actor: its own values, own answer
    assert [i.id for i in person_search(other, "タカハシ", log=False).items] == \
        _reference(other, "タカハシ", 50)[0]
