"""Home: the inbox sections and, on top, the buttons for the role's main tasks (from data:
the sections' ``actions``, never URLs written into web)."""

from __future__ import annotations

import re

from kasane.core.inbox import Action, Section, actions_for
from kasane.sheets.models import SheetRecord


def _actions(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<a class="button (button-primary|button-secondary)" href="([^"]+)" '
                      r'data-testid="home-action">([^<]+)</a>', html)


def test_it_gives_the_liaison_one_tap_to_a_liaison_sheet(city, client) -> None:
    client.force_login(city.liaison)
    html = client.get("/").content.decode()
    assert _actions(html) == [("button-primary", "/sheets/new/liaison/", "つなぐシートを書く"),
                              ("button-secondary", "/sheets/new/area_issue/", "地域課題シートを書く")]
    page = client.get("/sheets/new/liaison/")
    assert page.status_code == 200 and "<h1>つなぐシート</h1>" in page.content.decode()
    assert not SheetRecord.objects.exists()  # opening the form stores nothing


def test_it_shows_no_writing_buttons_to_roles_without_them(city, client) -> None:
    for user in (city.auditor, city.admin, city.secretariat):
        client.force_login(user)
        assert _actions(client.get("/").content.decode()) == []


def test_it_puts_the_primary_actions_first() -> None:
    first = Section(title="a", actions=[Action("地域課題", "/x/")])
    second = Section(title="b", actions=[Action("つなぐ", "/y/", primary=True)])
    assert [a.label for a in actions_for([first, second])] == ["つなぐ", "地域課題"]
