"""Case reach: which cases an actor reaches, read by ``sheets.policy`` for case-linked sheets.

``cases`` sits above ``sheets`` (it opens cases from sheet records), so ``sheets.policy`` may not
import ``cases.policy``. The cases app fills ``CASE_REACH`` from its own module
(``cases/sheet_reach.py``, imported by ``CasesConfig.ready``) with one provider that *reads*
its rows — active Involvements and active ``view`` CaseGrants (pledged meeting attendees inside
the review window) — and answers, per basis, a subquery of the ids of the cases the actor
reaches *and may see* (``cases.policy.visible_cases``). Nothing here widens access: the rows
stay the only source (docs/architecture.md "Registries"); without a provider no sheet is
reached through a case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from kasane.accounts.models import Actor
from kasane.core.registry import Registry


@dataclass(frozen=True)
class CaseReach:
    """Cases reached on one basis.

    ``case_ids``: a flat ``values_list("pk", flat=True)`` queryset (used as a subquery and,
    narrowed to a page's case ids, read in bulk). ``purpose``: when set, the person named by
    the sheet must also be visible to the actor on a grant whose scope covers it (a
    重層的支援会議 agenda: ``multilayer_meeting``)."""

    basis: str
    case_ids: QuerySet[Any, Any]
    purpose: str | None = None


CaseReachProvider = Callable[[Actor, "dt.datetime | None"], list[CaseReach]]
CASE_REACH: Registry[CaseReachProvider] = Registry("sheet case reach")


def case_reach(actor: Actor, at: dt.datetime | None = None) -> list[CaseReach]:
    """Every registered provider's reach for ``actor`` (no query is run here)."""
    return [reach for provider in CASE_REACH.values() for reach in provider(actor, at)]


def reaches_case(actor: Actor, case_id: int) -> bool:
    """Does ``actor`` reach the case on any basis (and may see it)? One query a reach kind."""
    return any(r.case_ids.filter(pk=case_id).exists() for r in case_reach(actor))
