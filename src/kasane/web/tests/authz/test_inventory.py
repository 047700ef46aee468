"""Every page URL pattern and every API operation has exactly one entry in ``rules.py``, and
every entry still names something that exists. A new URL without an entry fails here with the
line to add."""

from __future__ import annotations

from collections.abc import Iterable

from .inventory import operations, pages
from .kinds import kind_for
from .rules import ENTRIES
from .vocabulary import Entry
from .world import KINDS

HOW = ("These URLs / API operations have no entry in the authorization matrix "
       "(src/kasane/web/tests/authz/rules.py). Add one line each to ENTRIES, replacing WHO with "
       "who may use it (vocabulary.py: EVERYONE, SIGNED_IN, CASE_ROLES, roles(…), only(…)); "
       "if its kind is 'unknown' or has no object yet, add the kind to kinds.KIND_RULES and "
       "world.object_ids:\n")


def _suggest(key: str, route: str) -> str:
    kind = kind_for(route)
    if " " in key:
        return f'    op("{key}", "{kind}", WHO, why="…"),'
    return f'    page("{key}", "{kind}", WHO, why="…"),  # /{route}'


def missing_lines(entries: Iterable[Entry]) -> list[str]:
    """The line to add for every page pattern / API operation without an entry."""
    known = {entry.key for entry in entries}
    routes = {key: page.route for key, page in pages().items()}
    routes.update({key: key.split(" ", 1)[1] for key in operations()})
    return [_suggest(k, routes[k]) for k in sorted(set(routes) - known)]


def test_every_url_and_api_operation_has_a_matrix_entry() -> None:
    missing = missing_lines(ENTRIES)
    assert not missing, HOW + "\n".join(missing)


def test_a_url_without_an_entry_is_named_with_the_line_to_add() -> None:
    without = [e for e in ENTRIES if e.key not in {"people:detail", "GET /api/v1/cases/{case_id}"}]
    assert missing_lines(without) == [
        '    op("GET /api/v1/cases/{case_id}", "case", WHO, why="…"),',
        '    page("people:detail", "person", WHO, why="…"),  # /people/<int:person_id>/',
    ]


def test_every_matrix_entry_names_an_existing_url_once() -> None:
    keys = [entry.key for entry in ENTRIES]
    existing = set(pages()) | operations()
    stale = sorted(set(keys) - existing)
    assert not stale, ("These entries of authz/rules.py name no URL pattern or API operation "
                       f"any more; remove or rename them: {stale}")
    twice = sorted({k for k in keys if keys.count(k) > 1})
    assert not twice, f"entries listed twice in authz/rules.py: {twice}"


def test_every_entry_kind_has_an_object_fixture() -> None:
    unknown = sorted({(e.key, e.kind) for e in ENTRIES if e.kind not in KINDS})
    assert not unknown, f"entries whose kind has no fixture in world.object_ids: {unknown}"
