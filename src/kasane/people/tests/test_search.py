import datetime as dt

import pytest

from kasane.audit.models import AccessLog
from kasane.people.selectors import MSG_EMPTY, MSG_LONG, MSG_SHORT, person_search
from kasane.people.tests.factories import actor, make_consent, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(city):
    return {
        "taro": make_person(city.recorder, family_name="髙橋", given_name="太郎",
                            family_name_kana="タカハシ", given_name_kana="タロウ",
                            birth_date=dt.date(1975, 4, 1)),
        "hanako": make_person(city.recorder, family_name="高橋", given_name="花子",
                              family_name_kana="タカハシ", given_name_kana="ハナコ",
                              birth_date=dt.date(1980, 1, 2)),
        "other": make_person(city.partner, family_name="高橋", given_name="次郎",
                             family_name_kana="タカハシ", given_name_kana="ジロウ"),
    }


def _ids(city, q, who="recorder"):
    result = person_search(actor(getattr(city, who)), q)
    assert not result.error, result.error
    return [p.id for p in result.items]


@pytest.mark.parametrize("q", ["高橋太郎", "髙橋 太郎", "たかはし たろう", "ﾀｶﾊｼﾀﾛｳ", "タカハシ　タロウ",
                               "たろう", "高橋 S50", "タカハシ 昭和50年4月1日", "1975-04-01",
                               "S50.4.1", "たかはし 1975年"])
def test_it_finds_by_kanji_kana_partial_and_birth_date(city, people, q) -> None:
    assert people["taro"].pk in _ids(city, q)
    assert people["hanako"].pk not in _ids(city, q)


def test_it_finds_by_prefix_and_ranks_exact_first(city, people) -> None:
    ids = _ids(city, "タカハシ ハナコ")
    assert ids[0] == people["hanako"].pk
    assert set(_ids(city, "タカ")) == {people["taro"].pk, people["hanako"].pk}


def test_it_never_shows_an_invisible_person(city, people) -> None:
    assert people["other"].pk not in _ids(city, "高橋")
    assert _ids(city, "タカハシ ジロウ") == []
    assert _ids(city, "タカハシ", who="outsider") == []


def test_it_shows_a_consented_person_to_the_named_org(city, people) -> None:
    make_consent(city.partner, people["other"], [city.orgs["shougai"]])
    assert people["other"].pk in _ids(city, "ジロウ")


@pytest.mark.parametrize("q,message", [("", MSG_EMPTY), ("   ", MSG_EMPTY), ("高", MSG_SHORT),
                                       ("あ" * 101, MSG_LONG)])
def test_it_explains_bad_queries(city, q, message) -> None:
    assert person_search(actor(city.recorder), q).error == message


def test_it_strips_control_characters(city, people) -> None:
    assert people["taro"].pk in _ids(city, "高橋\x00太郎\u200b")


def test_it_logs_each_result_with_its_basis(city, people) -> None:
    make_consent(city.partner, people["other"], [city.orgs["shougai"]])
    _ids(city, "タカハシ")
    rows = AccessLog.objects.filter(action="person.search")
    assert {(r.person_id, r.basis) for r in rows} == {
        (people["taro"].pk, "own_record"), (people["hanako"].pk, "own_record"),
        (people["other"].pk, "consent")}


def test_it_finds_by_phone(city, people) -> None:
    assert set(_ids(city, "03-1234-5678")) == {people["taro"].pk, people["hanako"].pk}


@pytest.mark.parametrize("q", ["ハナコ タカハシ", "高橋 はなこ", "はなこ", "タカハシ S55", "S55.1",
                               "高橋 1980/1/2"])
def test_it_finds_combined_and_reordered_words(city, people, q) -> None:
    assert people["hanako"].pk in _ids(city, q)
    assert people["taro"].pk not in _ids(city, q)


def test_it_cuts_broad_prefixes_but_still_finds_the_exact_name(city, people) -> None:
    for given in ("アイ", "イチ", "ウメ"):
        make_person(city.recorder, family_name="高橋", given_name=given,
                    family_name_kana="タカハシ", given_name_kana=given)
    broad = person_search(actor(city.recorder), "タカハシ", limit=2)
    assert broad.truncated and len(broad.items) == 2
    assert _ids(city, "タカハシハナコ") == [people["hanako"].pk]


def test_invisible_persons_do_not_use_up_the_candidate_rows(city, people) -> None:
    """Access scoping is inside the index scan: invisible persons that sort first must neither
    appear nor crowd out the visible ones when candidates are cut."""
    for given in ("アア", "アイ", "アウ"):
        make_person(city.partner, family_name="高橋", given_name=given,
                    family_name_kana="タカハシ", given_name_kana=given)
    result = person_search(actor(city.recorder), "タカハシ", limit=2)
    assert {p.id for p in result.items} == {people["taro"].pk, people["hanako"].pk}
    assert not result.truncated  # the invisible rows read are not "more"


def test_it_ranks_exact_before_prefix_before_given_name(city, people) -> None:
    exact = make_person(city.recorder, family_name="花子", given_name="",
                        family_name_kana="ハナコ", given_name_kana="")
    longer = make_person(city.recorder, family_name="花子谷", given_name="一",
                         family_name_kana="ハナコヤ", given_name_kana="ハジメ")
    assert _ids(city, "はなこ") == [exact.pk, longer.pk, people["hanako"].pk]


def test_roles_without_a_case_role_find_nobody(city, people) -> None:
    for user in (city.admin, city.auditor, city.liaison):
        member = actor(user)
        assert person_search(member, "タカハシ").items == []


def test_a_policy_that_joins_tables_is_still_applied(city, people, monkeypatch) -> None:
    """Search inlines the WHERE of visible_persons; should the policy ever join another table,
    the whole policy query is used as a subquery instead (still scoped, never widened)."""
    from kasane.access import policy

    original = policy.visible_persons
    monkeypatch.setattr(policy, "visible_persons", lambda actor, *a, **k: original(
        actor, *a, **k).filter(created_by_org__name__startswith="障害"))
    assert set(_ids(city, "タカハシ")) == {people["taro"].pk, people["hanako"].pk}
    monkeypatch.setattr(policy, "visible_persons", lambda actor, *a, **k: original(
        actor, *a, **k).filter(created_by_org__name="どこにもない組織"))
    assert _ids(city, "タカハシ") == []
