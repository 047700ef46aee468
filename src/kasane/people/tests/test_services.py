import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kasane.access.models import Grant
from kasane.audit.models import ChangeRecord
from kasane.people import services
from kasane.people.models import Consent, HouseholdMember, Person
from kasane.people.tests.factories import actor, make_consent, make_person

pytestmark = pytest.mark.django_db


def test_it_creates_a_person_with_match_keys(city) -> None:
    person = make_person(city.recorder, family_name="髙橋", given_name="太郎",
                         family_name_kana="たかはし", given_name_kana="ﾀﾛｳ",
                         phone="０３−１２３４−５６７８", address="重ね市北町三丁目4番5号")
    assert person.family_name_kana == "タカハシ" and person.given_name_kana == "タロウ"
    assert person.name_key == "高橋太郎" and person.kana_key == "タカハシタロウ"
    assert person.family_kana_key == "タカハシ" and person.phone_key == "0312345678"
    assert person.address_key.startswith("重ね市北町3-4-5")
    assert person.created_by_org == city.orgs["shougai"]
    assert ChangeRecord.objects.filter(model="people.Person", operation="create").exists()


@pytest.mark.parametrize("field,value", [
    ("family_name_kana", "山田"), ("given_name_kana", "Taro"), ("family_name", ""),
    ("birth_date", timezone.localdate() + dt.timedelta(days=1)), ("phone", "1234"),
])
def test_it_refuses_bad_person_input_and_saves_nothing(city, field, value) -> None:
    with pytest.raises(ValidationError) as exc:
        make_person(city.recorder, **{field: value})
    assert field in exc.value.message_dict
    assert not Person.objects.exists()


def test_it_refuses_person_creation_to_non_case_roles(city) -> None:
    with pytest.raises(PermissionDenied):
        make_person(city.admin)


def test_it_updates_keys_and_keeps_history(city) -> None:
    person = make_person(city.recorder)
    services.person_update(actor=actor(city.recorder), person=person,
                           fields={"family_name": "佐藤", "family_name_kana": "さとう"}, reason="婚姻")
    person.refresh_from_db()
    assert person.family_kana_key == "サトウ" and person.name_key.startswith("佐藤")
    change = ChangeRecord.objects.filter(model="people.Person", operation="update").get()
    assert change.changes["family_name"] == ["山田", "佐藤"] and change.reason == "婚姻"
    with pytest.raises(PermissionDenied):
        services.person_update(actor=actor(city.outsider), person=person, fields={"address": "x"})


def test_it_builds_a_household(city) -> None:
    parent = make_person(city.recorder, given_name="トシ子", given_name_kana="トシコ")
    child = make_person(city.recorder, given_name="健一", given_name_kana="ケンイチ")
    member = services.household_member_add(actor=actor(city.recorder), person=child,
                                           with_person=parent, relation="child")
    assert member.household.members.count() == 2
    assert HouseholdMember.objects.get(person=parent).relation == "self"
    with pytest.raises(ValidationError):
        services.household_member_add(actor=actor(city.recorder), person=child,
                                      with_person=parent, relation="child")


def test_it_records_a_consent_with_one_grant_per_org(city) -> None:
    person = make_person(city.recorder)
    consent = make_consent(city.recorder, person, [city.orgs["houkatsu"], city.orgs["shakyo"]],
                           ["participation", "information_sharing"])
    grants = Grant.objects.filter(source_type="consent", source_id=str(consent.pk))
    assert grants.count() == 2
    assert {g.scope for g in grants} == {"information_sharing,participation"}


@pytest.mark.parametrize("kwargs,field", [
    ({"method": "oral"}, "heard_by"),
    ({"method": "proxy", "proxy_name": "山田花子"}, "proxy_relation"),
    ({"obtained_on": timezone.localdate() + dt.timedelta(days=2)}, "obtained_on"),
    ({"valid_until": dt.date(2000, 1, 1)}, "valid_until"),
])
def test_it_refuses_bad_consents(city, kwargs, field) -> None:
    person = make_person(city.recorder)
    with pytest.raises(ValidationError) as exc:
        make_consent(city.recorder, person, [city.orgs["houkatsu"]], **kwargs)
    assert field in exc.value.message_dict
    assert not Consent.objects.exists() and not Grant.objects.exists()


def test_it_refuses_a_consent_naming_another_tenants_org(city) -> None:
    person = make_person(city.recorder)
    with pytest.raises(ValidationError) as exc:
        make_consent(city.recorder, person, [city.orgs["houkatsu"], city.other_org])
    assert "organization_ids" in exc.value.message_dict
    assert not Consent.objects.exists()


def test_it_refuses_withdrawing_twice(city) -> None:
    person = make_person(city.recorder)
    consent = make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=actor(city.recorder), consent=consent, reason="")
    services.consent_withdraw(actor=actor(city.recorder), consent=consent, reason="本人の申出")
    consent.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.consent_withdraw(actor=actor(city.recorder), consent=consent, reason="再度")
    assert "既に撤回" in exc.value.messages[0]
    assert Consent.objects.get().withdrawal_reason == "本人の申出"


def test_it_requires_a_named_user_for_a_restriction(city) -> None:
    person = make_person(city.recorder)
    with pytest.raises(ValidationError):
        services.person_restriction_set(actor=actor(city.recorder), person=person, kind="dv",
                                        user_ids=[])
    with pytest.raises(ValidationError):
        services.person_restriction_set(actor=actor(city.recorder), person=person, kind="dv",
                                        user_ids=[city.auditor.pk])
    with pytest.raises(PermissionDenied):
        services.person_restriction_set(actor=actor(city.partner), person=person, kind="dv",
                                        user_ids=[city.partner.pk])
    services.person_restriction_set(actor=actor(city.recorder), person=person, kind="dv",
                                    user_ids=[city.recorder.pk])
    assert list(person.restriction_users.all()) == [city.recorder]


KANA_INPUTS = ["たかはし", "ﾀｶﾊｼ", "ヴァイオレット", "ルー・ガルー", "タカ　ハシ", "ゐゑ", "ぱぴぷ"]
NOT_KANA = ["高橋", "Takahashi", "タカハシ1", "ﾀｶﾊｼ-X", "たか橋"]


def test_every_writer_keeps_the_kana_keys_kana_only(city) -> None:
    """Search reads no kana range for a key that is not kana (``people.selectors.persons.
    _key_fields``): that is right only while no kana key holds anything else. Each writer of a
    person (create, create many, update) stores kana keys of kana only and refuses the rest."""
    from kasane.core.text import is_kana

    member = actor(city.recorder)
    made = [make_person(city.recorder, family_name_kana=k, given_name_kana=k) for k in KANA_INPUTS]
    made += services.persons_create_many(actor=member, rows=[
        {"family_name": "山田", "given_name": "花", "family_name_kana": k,
         "given_name_kana": k} for k in KANA_INPUTS])
    for person, k in zip(made[:len(KANA_INPUTS)], KANA_INPUTS, strict=True):
        services.person_update(actor=member, person=person,
                               fields={"given_name_kana": k[::-1]})
    for bad in NOT_KANA:
        for field in ("family_name_kana", "given_name_kana"):
            with pytest.raises(ValidationError):
                make_person(city.recorder, **{field: bad})
            with pytest.raises(ValidationError):
                services.persons_create_many(actor=member, rows=[
                    {"family_name": "山田", "family_name_kana": "ヤマダ", field: bad}])
            with pytest.raises(ValidationError):
                services.person_update(actor=member, person=made[0], fields={field: bad})
    keys = list(Person.objects.values_list("kana_key", "family_kana_key", "given_kana_key"))
    assert len(keys) == 2 * len(KANA_INPUTS)
    assert all(is_kana(key) for row in keys for key in row if key), keys
