"""Every page URL pattern and every API operation has exactly one entry in ``rules.py``, and
every entry still names something that exists. A new URL without an entry fails here with the
line to add."""

from __future__ import annotations

from .inventory import operations, pages
from .kinds import kind_for
from .rules import ENTRIES


def _suggest(key: str, route: str) -> str:
    kind = kind_for(route)
    if " " in key:
        return f'    op("{key}", "{kind}", WHO, why="…"),'
    return f'    page("{key}", "{kind}", WHO, why="…"),  # /{route}'


def test_every_url_and_api_operation_has_a_matrix_entry() -> None:
    known = {entry.key for entry in ENTRIES}
    routes = {key: page.route for key, page in pages().items()}
    routes.update({key: key.split(" ", 1)[1] for key in operations()})
    missing = sorted(set(routes) - known)
    assert not missing, (
        "These URLs / API operations have no entry in the authorization matrix "
        "(src/kasane/web/tests/authz/rules.py). Add one line each to ENTRIES, replacing WHO "
        "with who may use it (vocabulary.py: EVERYONE, SIGNED_IN, CASE_ROLES, roles(…), "
        "only(…)), and, if the kind is 'unknown' or has no object yet, add the kind to "
        "kinds.KIND_RULES and world.object_ids:\n" + "\n".join(_suggest(k, routes[k]) for k in missing))


def test_every_matrix_entry_names_an_existing_url_once() -> None:
    keys = [entry.key for entry in ENTRIES]
    existing = set(pages()) | operations()
    stale = sorted(set(keys) - existing)
    assert not stale, ("These entries of authz/rules.py name no URL pattern or API operation "
                       f"any more; remove or rename them: {stale}")
    twice = sorted({k for k in keys if keys.count(k) > 1})
    assert not twice, f"entries listed twice in authz/rules.py: {twice}"


def test_every_entry_kind_has_an_object_fixture() -> None:
    from .world import KINDS

    unknown = sorted({(e.key, e.kind) for e in ENTRIES if e.kind not in KINDS})
    assert not unknown, f"entries whose kind has no fixture in world.object_ids: {unknown}"
