"""Hostile input never answers 500 (issue 22 finding 6): ids beyond 64 bits in every page and
API path, negative and huge offsets, NUL characters in JSON and queries."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

BIG = "99999999999999999999"


def _int_paths(patterns=None, prefix: str = "") -> list[str]:
    """Every URL of the project with its ``<int:…>`` parts filled with BIG."""
    found = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            found += _int_paths(p.url_patterns, route)
        elif isinstance(p, URLPattern) and ("<int:" in route or route.startswith("api/") and "<" in route):
            # pages: <int:pk>; the API (ninja): <name>, typed in the operation's signature
            filled = re.sub(r"<(str|slug|path):\w+>", "x", route)
            found.append("/" + re.sub(r"<(int:)?\w+>", BIG, filled))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "auditor", "admin"])
def test_no_page_or_endpoint_answers_500_for_a_huge_id(city, client, who) -> None:
    client.force_login(getattr(city, who))
    client.raise_request_exception = False
    paths = _int_paths()
    assert len(paths) > 100 and any(p.startswith("/api/v1/persons/") for p in paths)
    failed = [(path, method) for path in paths for method in ("get", "post")
              if getattr(client, method)(path).status_code >= 500]
    assert failed == []


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["offset=-1", f"offset={BIG}", "offset=3000000000"])
def test_paged_api_lists_refuse_bad_offsets_with_422(city, client, query) -> None:
    client.force_login(city.coordinator)
    for url in ("/api/v1/sheet-records", "/api/v1/match-candidates"):
        assert client.get(f"{url}?{query}").status_code == 422, url


@pytest.mark.django_db
def test_a_huge_id_in_a_json_body_is_a_400_not_a_500(city, client) -> None:
    client.force_login(city.coordinator)
    r = client.post("/api/v1/cases", {"person_ids": [int(BIG)], "summary": "相談"},
                    content_type="application/json")
    assert r.status_code == 400


@pytest.mark.django_db
def test_a_nul_character_is_refused_with_422_and_nothing_is_saved(city, client) -> None:
    from kasane.people.models import Person

    client.force_login(city.coordinator)
    r = client.post("/api/v1/persons", {"family_name": "山\x00田", "given_name": "太郎",
                                        "family_name_kana": "ヤマダ", "given_name_kana": "タロウ"},
                    content_type="application/json")
    assert r.status_code == 422 and "family_name" in r.json()["errors"]
    assert "NUL" in r.json()["detail"] and not Person.objects.exists()
    assert client.get("/api/v1/persons?q=%00").status_code == 422


@pytest.mark.django_db
def test_a_form_refuses_a_nul_character_at_the_field_in_japanese(city, client) -> None:
    from kasane.people.models import Person

    client.force_login(city.coordinator)
    r = client.post("/people/new/", {"family_name": "山\x00田", "given_name": "太郎",
                                     "family_name_kana": "ヤマダ", "given_name_kana": "タロウ",
                                     "birth_date": "S50.4.1"})
    assert r.status_code == 400 and "制御文字（NUL）は使えません。" in r.content.decode()
    assert not Person.objects.exists()
