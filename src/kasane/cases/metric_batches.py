"""Batches of the cases metric families (``core.metrics.register_batch``): several figures of one
family — every contact cell of the national report, every case cell, plan cell, closure cell —
in one pass over their records, as conditional aggregates. Imported by ``CasesConfig.ready``.

Each figure is built from the same conditions as its metric alone (``cases.metrics``:
``case_q``, ``contact_q``, ``plan_q``, ``closure_q`` and the *handled* rule), so a batch gives
exactly the metric's own value; a bad filter value raises as the metric would, and
``evaluate_many`` then computes each figure alone (with its reason).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import Case as Cond
from django.db.models import Count, F, Max, Q, QuerySet, Value, When

from kasane.core.metrics import Period, Request, register_batch

from .metrics import (
    CLOSED,
    _closures,
    _last_closure_before,
    _plans,
    case_q,
    closure_q,
    connected_q,
    contact_q,
    contacts_in,
    period_bounds,
    plan_q,
)
from .models import Case, CaseSubject


def _nonempty(q: Q) -> Q:
    """``q``, or an always-true condition for no filters (``When``/``filter=`` refuse ``Q()``)."""
    return q if q else Q(pk__isnull=False)


def _totals(rows: QuerySet[Any], counts: dict[str, str],
            persons: dict[str, str]) -> dict[str, int]:
    """One statement over ``rows`` (a values() queryset with a ``case_id`` column and numeric
    columns, read once as the CTE ``k``): for each name in ``counts`` the sum of its expression
    over ``k``, for each name in ``persons`` the distinct persons (本人・世帯員,
    ``CaseSubject``) of the cases whose rows have the expression > 0. The expressions are this
    module's own (column names of ``k``), never input."""
    sql, params = rows.query.sql_with_params()
    # only this module's column names and expressions are spliced in; values are parameters
    parts = []
    if counts:
        sums = ", ".join(f"COALESCE(SUM({e}), 0) AS {n}" for n, e in counts.items())
        parts.append(f"(SELECT {sums} FROM k) AS sums")  # noqa: S608
    if persons:
        distinct = ", ".join(f"COUNT(DISTINCT CASE WHEN {e} > 0 THEN s.person_id END) AS {n}"
                             for n, e in persons.items())
        counted = " OR ".join(f"{e} > 0" for e in dict.fromkeys(persons.values()))
        parts.append(f"(SELECT {distinct} FROM k JOIN {CaseSubject._meta.db_table} s "  # noqa: S608
                     f"ON s.case_id = k.case_id WHERE {counted}) AS persons")
    statement = f"WITH k AS ({sql}) SELECT * FROM {' CROSS JOIN '.join(parts)}"  # noqa: S608
    with connections[rows.db].cursor() as cur:
        cur.execute(statement, params)
        row = cur.fetchone()
        names = [d[0] for d in cur.description]
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


def _flag(q: Q) -> Any:
    """1 where ``q`` holds, else 0 (always 1 for no condition)."""
    return Cond(When(q, then=Value(1)), default=Value(0)) if q else Value(1)


def _any(conds: Sequence[Q]) -> Q:
    """Rows matching at least one figure's condition (fewer rows into the CTE); no condition
    when one figure has none."""
    out = Q()
    for q in conds:
        if not q:
            return Q()
        out |= q
    return out


def _distinct(conds: Sequence[Q]) -> tuple[list[Q], list[int]]:
    """The distinct conditions, and the index of each figure's among them (two figures with
    the same filters share one column)."""
    unique: list[Q] = []
    for q in conds:
        if q not in unique:
            unique.append(q)
    return unique, [unique.index(q) for q in conds]


def _split(requests: Sequence[Request], persons_keys: set[str],
           expr: Any) -> tuple[dict[str, str], dict[str, str]]:
    counts = {f"f{i}": expr(i, key) for i, (key, _) in enumerate(requests)
              if key not in persons_keys}
    persons = {f"f{i}": expr(i, key) for i, (key, _) in enumerate(requests) if key in persons_keys}
    return counts, persons


CONNECTED = "outreach.connected_persons"


@register_batch("contacts.count", "contacts.persons", CONNECTED)
def contacts_batch(municipality: Any, period: Period, requests: Sequence[Request]) -> list[int]:
    """The period's contacts read once, grouped by case: per figure the case's matching
    contacts (summed for ``contacts.count``; > 0 marks the case for ``contacts.persons``); for
    ``outreach.connected_persons`` whether the case has a reached matching contact and is
    connected (``connected_q``, looked up only for those contacts)."""
    conds, column = _distinct([
        contact_q(period, **({"reached": "yes", **filters} if key == CONNECTED else filters))
        for key, filters in requests])
    linked = sorted({column[i] for i, (key, _) in enumerate(requests) if key == CONNECTED})
    rows = (contacts_in(municipality, period).filter(_any(conds)).order_by()
            .values("case_id").annotate(
                **{f"g{i}": Count("case_id", filter=_nonempty(q)) for i, q in enumerate(conds)},
                **{f"x{i}": Max(_flag(connected_q(period, "case_id")),
                                filter=_nonempty(conds[i])) for i in linked}))
    counts, persons = _split(
        requests, {"contacts.persons", CONNECTED},
        lambda i, key: f"k.x{column[i]}" if key == CONNECTED else f"k.g{column[i]}")
    found = _totals(rows, counts, persons)
    return [found[f"f{i}"] for i in range(len(requests))]


CASE_RULES = {"cases.opened": "k.opened", "cases.handled": "k.handled",
              "cases.handled_continuing": "k.handled * k.continuing", "cases.persons": "k.handled"}


@register_batch(*CASE_RULES)
def cases_batch(municipality: Any, period: Period, requests: Sequence[Request]) -> list[int]:
    """The municipality's cases opened by the period's end read once, each with three flags —
    opened in the period, handled (not closed before it: ``cases_handled``), opened before it —
    and one per figure for its case filters; ``cases.persons`` counts the distinct persons of
    the handled ones."""
    start, end = period_bounds(period)
    conds, column = _distinct([case_q(period, **filters) for _key, filters in requests])
    rows = (Case.objects.filter(municipality=municipality, opened_at__lt=end)
            .order_by().values(case_id=F("pk")).annotate(
                opened=_flag(Q(opened_at__gte=start)),
                handled=_flag(~Q(status__in=CLOSED, pk__in=_last_closure_before(
                    municipality, period.start))),
                continuing=_flag(Q(opened_at__lt=start)),
                **{f"g{i}": _flag(q) for i, q in enumerate(conds)}))
    counts, persons = _split(requests, {"cases.persons"},
                             lambda i, key: f"{CASE_RULES[key]} * k.g{column[i]}")
    found = _totals(rows, counts, persons)
    return [found[f"f{i}"] for i in range(len(requests))]


@register_batch("plans.approved")
def plans_batch(municipality: Any, period: Period, requests: Sequence[Request]) -> list[int]:
    """The period's approved plans counted once per figure's filters (one aggregate)."""
    conds = [_nonempty(plan_q(period, **filters)) for _key, filters in requests]
    found = _plans(municipality, period).aggregate(
        **{f"f{i}": Count("pk", filter=q) for i, q in enumerate(conds)})
    return [found[f"f{i}"] for i in range(len(requests))]


@register_batch("closures.count")
def closures_batch(municipality: Any, period: Period, requests: Sequence[Request]) -> list[int]:
    """The period's closures counted once per figure's filters (one aggregate)."""
    conds = [_nonempty(closure_q(period, **filters)) for _key, filters in requests]
    found = _closures(municipality, period).aggregate(
        **{f"f{i}": Count("pk", filter=q) for i, q in enumerate(conds)})
    return [found[f"f{i}"] for i in range(len(requests))]
