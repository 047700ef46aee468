"""The home page's 名寄せ section in one statement: the open candidates a coordinator can
decide, counted, with the first few of them — and how many more have a record they may not
see. The same answer as ``candidate_counts(actor)`` and ``candidates_for(actor,
visibility="both")[:limit]`` (the queue's defaults), which ask three statements that each
re-evaluate the person rule per candidate several times.

Here the person rule (``policy.visible_persons``, compiled once per actor and time through
``compiled.fragment`` like search) is evaluated once per side of each open candidate in an
inner query; the outer query counts with window sums and keeps the decidable pairs first,
ordered like the queue (``SORTS["score"]``: score, a pair under 閲覧制限 as 0, then id).
At city scale its estimated cost passes PostgreSQL's ``jit_above_cost`` and compiling took
longer than the scan itself: connections run with JIT off (settings ``KASANE_DB_JIT``).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef

from kasane.access import compiled, policy
from kasane.accounts.models import Actor

from ..models import MatchCandidate, Person
from .matching import OPEN, CandidateCounts, may_review
from .persons import _rule, _visible_where

_PERSON = Person._meta.db_table
_CANDIDATE = MatchCandidate._meta.db_table
_COLUMNS = ("id", "person_a_id", "person_b_id", "score", "band", "status")  # the rest deferred


def _masked_where(actor: Actor) -> tuple[str, list[Any]]:
    """SQL on "people_person": the record is under 閲覧制限 and the actor is not named on it
    (the masking rule of ``candidates_for``)."""
    qs = Person.objects.exclude(restriction="").exclude(
        Exists(Person.restriction_users.through.objects.filter(
            person_id=OuterRef("pk"), user_id=actor.user_id)))
    sql, params = qs.query.get_compiler(using=qs.db).compile(qs.query.where)
    return sql, list(params)


def _statement(actor: Actor, visible: tuple[str, list[Any]], limit: int) -> tuple[str, list[Any]]:
    """Three levels: ``flags`` marks each side of the open candidates (visible, masked) —
    narrow rows, the person rule evaluated once per side; ``ranked`` keeps those with a
    visible side, counts both kinds over all of them (window sums) and keeps the first
    ``limit``, decidable ones first; the outer query reads those rows' columns."""
    vis_sql, vis_params = visible
    masked_sql, masked_params = _masked_where(actor)

    # S608: only table names and the policy's compiled SQL are formatted in; values are params.
    def side(where: str, column: str) -> str:
        return (f'EXISTS(SELECT 1 FROM "{_PERSON}" WHERE "{_PERSON}"."id" = mc."{column}" '  # noqa: S608
                f"AND ({where}))")

    flags = (f'SELECT mc."id", mc."score", {side(vis_sql, "person_a_id")} AS a_vis, '  # noqa: S608
             f'{side(vis_sql, "person_b_id")} AS b_vis, '
             f'{side(masked_sql, "person_a_id")} AS a_masked, '
             f'{side(masked_sql, "person_b_id")} AS b_masked '
             f'FROM "{_CANDIDATE}" mc WHERE mc."municipality_id" = %s AND mc."status" IN ('
             f"{', '.join(['%s'] * len(OPEN))})")
    if connection.vendor == "postgresql":
        flags += " OFFSET 0"  # evaluated once, not inlined into each use of its flags
    both = "(s.a_vis AND s.b_vis)"
    ranked = (f"SELECT s.id, CASE WHEN {both} THEN 1 ELSE 0 END AS k_both, "  # noqa: S608
              f"CASE WHEN {both} AND NOT (s.a_masked OR s.b_masked) THEN s.score ELSE 0.0 END "
              f"AS k_score, SUM(CASE WHEN {both} THEN 1 ELSE 0 END) OVER () AS n_both, "
              f"SUM(CASE WHEN {both} THEN 0 ELSE 1 END) OVER () AS n_one "
              f"FROM ({flags}) s WHERE s.a_vis OR s.b_vis "
              f"ORDER BY k_both DESC, k_score DESC, s.id ASC LIMIT %s")
    cols = ", ".join(f'mc."{c}"' for c in _COLUMNS)
    outer = (f"SELECT {cols}, t.k_both, t.n_both, t.n_one FROM ({ranked}) t "  # noqa: S608
             f'INNER JOIN "{_CANDIDATE}" mc ON mc."id" = t.id '
             f"ORDER BY t.k_both DESC, t.k_score DESC, t.id ASC")
    return outer, [*vis_params, *vis_params, *masked_params, *masked_params,
                   policy.tenant_id(actor), *OPEN, int(limit)]


def waiting_summary(actor: Actor, *, limit: int = 5) -> tuple[CandidateCounts, list[MatchCandidate]]:
    """Open candidates for the home page: the counts of ``candidate_counts(actor)`` and the
    first ``limit`` rows of ``candidates_for(actor, visibility="both")``, in one statement.
    Logs nothing (the rows carry no personal data: number, band, status). Nothing for an
    actor who may not review."""
    if not may_review(actor):
        return CandidateCounts(0, 0), []
    visible = compiled.fragment("visible", actor, lambda at: _visible_where(actor, at),
                                rule=_rule())
    if visible is None:
        return CandidateCounts(0, 0), []
    sql, params = _statement(actor, visible, limit)
    rows = list(MatchCandidate.objects.raw(sql, params))
    if not rows:
        return CandidateCounts(0, 0), []
    flagged: list[Any] = rows  # the raw columns n_both / n_one / k_both ride on each row
    counts = CandidateCounts(decidable=int(flagged[0].n_both), one_side=int(flagged[0].n_one))
    return counts, [r for r in flagged if r.k_both]
