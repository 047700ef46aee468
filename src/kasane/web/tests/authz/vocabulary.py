"""The words the rules table (``rules.py``) is written in: who may use an entry.

An entry's ``allow`` is the set of actor keys (``world.ACTORS``) expected to be let through;
every other actor is expected to be refused. Sets are built from roles, so a rule reads like
the access model (docs/access.md): ``CASE_ROLES``, ``roles("coordinator", "admin")`` … Role
sets include the other tenant's actors of that role: on a page without an object they act in
their own tenant. Object pages list in-tenant actors explicitly (the object is of the demo
city, so the other tenant is always refused).
"""

from __future__ import annotations

from dataclasses import dataclass

from .world import ACTORS

ROLE = {"kodomo": "caseworker", "csw": "caseworker", "houkatsu1": "caseworker",
        "shougai": "caseworker", "suishin": "coordinator", "x_coord": "coordinator",
        "renrakuin": "liaison", "jimukyoku": "secretariat", "iin": "committee",
        "kansa": "auditor", "admin": "admin", "x_admin": "admin"}
FOREIGN = frozenset({"x_coord", "x_admin"})


def roles(*names: str, tenant_only: bool = False) -> frozenset[str]:
    """Actors holding one of the roles (both tenants unless ``tenant_only``)."""
    found = {key for key, role in ROLE.items() if role in names}
    return frozenset(found - FOREIGN if tenant_only else found)


EVERYONE = frozenset(ACTORS)                      # public, even signed out
SIGNED_IN = frozenset(ACTORS) - {"anon"}          # any signed-in user of any tenant
NOBODY: frozenset[str] = frozenset()
CASE_ROLES = roles("caseworker", "coordinator")   # the demo has no promoter/supporter login
COORDINATORS = roles("coordinator")
ADMINS = roles("admin")
AUDITORS = roles("auditor")


def only(*keys: str) -> frozenset[str]:
    """Exactly these actors (object pages: who has the basis / the role in the object's org)."""
    unknown = set(keys) - set(ACTORS)
    if unknown:
        raise ValueError(f"unknown actors {sorted(unknown)}")
    return frozenset(keys)


@dataclass(frozen=True)
class Entry:
    """One page pattern or API operation: its object kind, who may use it and how it is sent.

    ``method`` is ``get`` for pages that show something (or show the form of a write), and
    ``post`` for POST-only pages (sent with an empty form: the deny cells must write nothing,
    the allow cells must get past the gate — a 400 form error counts as let through). API
    operations use their own method with a body built from the schema.
    """

    key: str
    kind: str
    allow: frozenset[str]
    method: str = "get"
    why: str = ""
    body: bool = True
    writes: frozenset[str] | None = None
    unsettled: bool = False  # allow/deny not asserted (masking and the write check still are)

    @property
    def writers(self) -> frozenset[str]:
        """Actors whose request may change rows (default: those let through)."""
        return self.allow if self.writes is None else self.writes

    @property
    def api(self) -> bool:
        return self.key.split(" ", 1)[0] in {"GET", "POST", "PUT", "PATCH", "DELETE"}


def page(key: str, kind: str, allow: frozenset[str], *, post: bool = False,
         why: str = "", writes: frozenset[str] | None = None, unsettled: bool = False) -> Entry:
    """A page entry (``namespace:name``, or the route of an unnamed pattern). ``writes``:
    when some actors are let through the gate but must not change anything (e.g. another
    tenant's admin redirected with a message), the ones who may."""
    return Entry(key, kind, allow, "post" if post else "get", why, writes=writes,
                 unsettled=unsettled)


def op(key: str, kind: str, allow: frozenset[str], *, why: str = "", body: bool = True,
       unsettled: bool = False) -> Entry:
    """An API operation entry: ``METHOD /api/v1/path``. ``body=False``: the matrix cannot
    build a body the schema accepts, so the cells only show that nobody is let through
    (422 or a refusal) and nothing is written. ``unsettled``: as for pages (only the actors
    in ``allow`` may write)."""
    return Entry(key, kind, allow, key.split(" ", 1)[0].lower(), why, body,
                 unsettled=unsettled)
