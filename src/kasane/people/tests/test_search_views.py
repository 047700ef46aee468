"""The search screen and API answer bad queries at the field (400), never with a crash."""

import pytest

from kasane.people.selectors import MSG_BROAD_BIRTH, MSG_LONG
from kasane.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("q,message", [("あ" * 10_000, MSG_LONG), ("S50", MSG_BROAD_BIRTH),
                                       ("高\x00", "2文字以上")])
def test_the_screen_shows_the_message_at_the_field(city, client, q, message) -> None:
    client.force_login(city.recorder)
    response = client.get("/people/", {"q": q})
    assert response.status_code == 400
    assert 'class="field field-invalid' in response.text and message in response.text
    assert "検索結果" not in response.text


def test_the_screen_searches_after_stripping_control_characters(city, client) -> None:
    person = make_person(city.recorder, family_name="山田", given_name="一郎")
    client.force_login(city.recorder)
    response = client.get("/people/", {"q": "山田\x00一郎\u200b"})
    assert response.status_code == 200 and person.full_name in response.text


@pytest.mark.parametrize("q,message", [("S50", MSG_BROAD_BIRTH), ("あ" * 10_000, MSG_LONG)])
def test_the_api_answers_400_with_the_message(city, client, q, message) -> None:
    client.force_login(city.recorder)
    response = client.get("/api/v1/persons", {"q": q})
    assert response.status_code == 400 and message in str(response.json())


def test_the_api_finds_by_family_name_and_birth_year(city, client) -> None:
    person = make_person(city.recorder, family_name="山田", family_name_kana="ヤマダ")
    client.force_login(city.recorder)
    body = client.get("/api/v1/persons", {"q": "やまだ S50"}).json()
    assert [p["id"] for p in body["items"]] == [person.pk]
