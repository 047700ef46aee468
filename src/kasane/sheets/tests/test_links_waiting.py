"""``sheets.links.WAITING_FOR`` lists only kinds no app handles yet: a kind listed there while
its app registers a handler (participation ``match``, community ``area_issue``) is stale."""

from __future__ import annotations

from kasane.sheets import links


def test_no_waiting_kind_has_a_handler() -> None:
    handled = {kind for kind in ("match", "area_issue") if links.LINKS.get(kind)}
    assert handled == {"match", "area_issue"}  # both apps are installed and registered
    assert not [kind for kind in links.WAITING_FOR if links.LINKS.get(kind)]
    assert set(links.WAITING_KIND) == set(links.WAITING_FOR)
