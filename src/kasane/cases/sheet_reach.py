"""The cases an actor reaches, for the visibility of case-linked sheet records (``sheets.reach``).

Read-only: this module only reads Involvement and CaseGrant rows through ``cases.policy`` and
answers subqueries of case ids; ``sheets.policy`` combines them with the person's own basis.

- ``case_involvement``: the actor's organization has an active Involvement in the case;
- ``support_meeting``: an active ``view`` CaseGrant made for a pledged 支援会議 attendee inside
  the review window (法106条の6);
- ``consent`` with purpose ``multilayer_meeting``: the same for a 重層的支援会議 (the person's
  consent must cover 重層的支援会議での検討).

Each is narrowed to ``cases.policy.visible_cases`` (every subject person visible).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef

from kasane.accounts.models import Actor
from kasane.audit.models import Basis
from kasane.people.models import Purpose
from kasane.sheets.reach import CASE_REACH, CaseReach

from . import policy as case_policy
from .models import CaseGrantPurpose, Involvement


def case_reach(actor: Actor, at: dt.datetime | None) -> list[CaseReach]:
    visible = case_policy.visible_cases(actor, at=at)
    involved = Involvement.objects.filter(case_id=OuterRef("pk"), ended_on__isnull=True,
                                          organization_id=actor.organization_id)
    granted = case_policy.active_case_grants(actor, CaseGrantPurpose.VIEW, at=at).filter(
        case_id=OuterRef("pk"))
    return [
        CaseReach(Basis.CASE_INVOLVEMENT,
                  visible.filter(Exists(involved)).values_list("pk", flat=True)),
        CaseReach(Basis.SUPPORT_MEETING,
                  visible.filter(Exists(granted.filter(basis=Basis.SUPPORT_MEETING)))
                  .values_list("pk", flat=True)),
        CaseReach(Basis.CONSENT,
                  visible.filter(Exists(granted.filter(basis=Basis.CONSENT)))
                  .values_list("pk", flat=True),
                  purpose=Purpose.MULTILAYER_MEETING),
    ]


CASE_REACH.add("cases", case_reach)
