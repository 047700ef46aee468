"""``navigation.nav_links``: the menu with URLs resolved once per role, URL conf and prefix."""

from __future__ import annotations

from django.urls import get_script_prefix, reverse, set_script_prefix

from kasane.accounts.models import Role
from kasane.web.navigation import PLATFORM_ITEM, nav_for, nav_links


def test_it_gives_every_entry_of_the_role_with_its_url() -> None:
    for role in Role.values:
        links = nav_links(role, False)
        assert [(link.label, link.url, link.more) for link in links] == [
            (item.label, reverse(item.url_name), item.more) for item in nav_for(role)]
    assert nav_links(None, False) == ()


def test_the_platform_entry_comes_last_for_operators_only() -> None:
    assert nav_links(Role.ADMIN, True)[-1].label == PLATFORM_ITEM.label
    assert PLATFORM_ITEM.label not in [link.label for link in nav_links(Role.ADMIN, False)]


def test_another_script_prefix_is_not_served_a_cached_url() -> None:
    before = get_script_prefix()
    plain = nav_links(Role.CASEWORKER, False)
    set_script_prefix("/kasane/")
    try:
        prefixed = nav_links(Role.CASEWORKER, False)
    finally:
        set_script_prefix(before)
    assert [link.url for link in prefixed] == ["/kasane" + link.url for link in plain]
    assert nav_links(Role.CASEWORKER, False) == plain
