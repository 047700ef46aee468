"""Person screens: search, register, page, edit (each with a refused actor)."""

import re

import pytest

from kasane.audit.models import AccessLog
from kasane.people.models import Person
from kasane.people.services import person_restriction_set
from kasane.people.tests.factories import actor, make_consent, make_person

pytestmark = pytest.mark.django_db


def test_it_searches_and_shows_only_visible_persons(city, client) -> None:
    mine = make_person(city.recorder, family_name="山田", given_name="一郎")
    theirs = make_person(city.partner, family_name="山田", given_name="二郎")
    client.force_login(city.recorder)
    response = client.get("/people/?q=やまだ")
    assert response.status_code == 200
    assert mine.full_name in response.text and theirs.full_name not in response.text


def test_it_explains_a_too_short_query(city, client) -> None:
    client.force_login(city.recorder)
    response = client.get("/people/?q=山")
    assert response.status_code == 400 and "2文字以上" in response.text


def test_it_refuses_person_screens_to_non_case_roles(city, client) -> None:
    for user in (city.admin, city.auditor, city.liaison, city.secretariat):
        client.force_login(user)
        assert client.get("/people/").status_code == 403
        assert client.get("/people/new/").status_code == 403


def test_it_registers_a_person_with_wareki_birth_date(city, client) -> None:
    client.force_login(city.recorder)
    response = client.post("/people/new/", {
        "family_name": "山田", "given_name": "花子", "family_name_kana": "やまだ",
        "given_name_kana": "はなこ", "birth_date": "昭和50年4月1日", "address": "重ね市北町1-1"})
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    assert person.family_name_kana == "ヤマダ" and person.birth_date.isoformat() == "1975-04-01"


@pytest.mark.parametrize("field,value,message", [
    ("birth_date", "令和1年4月1日", "令和は"), ("birth_date", "2024/2/30", "存在しない日付"),
    ("family_name_kana", "山田", "カタカナ"),
])
def test_it_shows_field_errors_and_saves_nothing(city, client, field, value, message) -> None:
    client.force_login(city.recorder)
    data = {"family_name": "山田", "family_name_kana": "ヤマダ", field: value}
    response = client.post("/people/new/", data)
    assert response.status_code == 400 and message in response.text
    assert "field-invalid" in response.text and not Person.objects.exists()


def test_it_shows_every_error_of_the_register_form_at_once(city, client) -> None:
    """Form errors (氏 missing, bad フリガナ) and the service's checks (future birth date, phone)
    in one answer, each named in the summary, short beside its field."""
    client.force_login(city.recorder)
    response = client.post("/people/new/", {
        "family_name": "", "family_name_kana": "山田", "birth_date": "2999-01-01",
        "phone": "123"})
    assert response.status_code == 400 and not Person.objects.exists()
    text = response.text
    for line in ("氏: 入力してください。", "生年月日: 未来の日付は入力できません。",
                 "電話: 市外局番から10〜11桁で入力してください。", "氏（フリガナ）: カタカナ"):
        assert line in text, line
    assert 'href="#id_birth_date"' in text and "入力内容を確認してください（4件）" in text
    assert "このフィールドは必須です" not in text
    assert re.search(r'<form method="post" class="narrow-form"[^>]* novalidate[ >]', text)


def test_it_registers_a_family_member_into_the_household(city, client) -> None:
    parent = make_person(city.recorder)
    client.force_login(city.recorder)
    client.post(f"/people/new/?household_with={parent.pk}", {
        "household_with": parent.pk, "relation": "child", "family_name": "山田",
        "given_name": "健一", "family_name_kana": "ヤマダ", "given_name_kana": "ケンイチ"})
    child = Person.objects.get(given_name="健一")
    page = client.get(f"/people/{parent.pk}/")
    assert child.full_name in page.text and "子" in page.text


def test_it_shows_the_person_page_with_basis_and_logs_it(city, client) -> None:
    person = make_person(city.recorder)
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    client.force_login(city.partner)
    response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 200 and "本人同意" in response.text
    assert "重ね市北町1-2-3" in response.text
    assert AccessLog.objects.filter(person_id=person.pk, basis="consent",
                                    action="person.view").exists()
    # the partner sees the consent, but not "who may see and why" (recording org/coordinators)
    assert 'data-testid="grants"' not in response.text
    client.force_login(city.recorder)
    assert 'data-testid="grants"' in client.get(f"/people/{person.pk}/").text


def test_it_answers_404_with_an_emergency_link_for_an_invisible_person(city, client) -> None:
    person = make_person(city.recorder)
    client.force_login(city.outsider)
    invisible = client.get(f"/people/{person.pk}/")
    missing = client.get("/people/999999/")
    assert invisible.status_code == missing.status_code == 404
    assert person.full_name not in invisible.text
    assert f"/people/{person.pk}/emergency/" in invisible.text
    assert AccessLog.objects.filter(person_id=person.pk, basis="denied").exists()


def test_it_masks_a_restricted_person_on_the_page(city, client) -> None:
    person = make_person(city.recorder)
    person_restriction_set(actor=actor(city.recorder), person=person, kind="dv",
                           user_ids=[city.coordinator.pk])
    client.force_login(city.recorder)
    page = client.get(f"/people/{person.pk}/").text
    assert "重ね市北町1-2-3" not in page and "03-1234-5678" not in page and "閲覧制限" in page
    search = client.get("/people/?q=ヤマダ").text
    assert "重ね市北町1-2-3" not in search
    assert client.get(f"/people/{person.pk}/edit/").status_code == 403


def test_it_edits_a_person_and_refuses_others(city, client) -> None:
    person = make_person(city.recorder)
    make_consent(city.recorder, person, [city.orgs["houkatsu"]])
    client.force_login(city.recorder)
    response = client.post(f"/people/{person.pk}/edit/", {
        "family_name": "山田", "given_name": person.given_name, "family_name_kana": "ヤマダ",
        "given_name_kana": "タロウ", "birth_date": "1975-04-01", "address": "重ね市南町9-9",
        "reason": "転居"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.address == "重ね市南町9-9"
    client.force_login(city.partner)  # consent lets them read, not edit
    assert client.get(f"/people/{person.pk}/edit/").status_code == 404
