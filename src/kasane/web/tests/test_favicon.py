"""``/favicon.ico`` answers 200 with an icon anyone may fetch and cache (browsers ask on every
page); the layout links the SVG icon."""

from __future__ import annotations

import pytest


def test_it_answers_the_icon_without_a_login(db, client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=604800" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_before_the_second_factor(city, client, settings) -> None:
    settings.KASANE_REQUIRE_MFA = True
    client.force_login(city.recorder)
    assert client.get("/").status_code == 302  # the MFA gate
    assert client.get("/favicon.ico").status_code == 200


@pytest.mark.django_db
def test_the_layout_links_the_svg_icon(client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/kasane/favicon.svg" type="image/svg+xml">' in html
    assert client.get("/static/kasane/favicon.svg").status_code == 200
