"""The only writer of ``CaseGrant`` rows: reach over a case on a legal basis, for a window.

Meetings calls these for its agenda (pledged attendees see the case until the review window
ends; a 支援会議's attending organizations may receive a つなぎ without consent). Every write
leaves a ChangeRecord; ``cases.policy`` reads the rows like any other basis.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kasane.access import policy
from kasane.accounts.models import Actor, Organization, User
from kasane.audit.services import change_record, save_changes

from ..models import Case, CaseGrant, CaseGrantPurpose


def case_grant_ensure(*, actor: Actor, case: Case, organization: Organization, purpose: str,
                      basis: str, source_type: str, source_id: object,
                      valid_until: dt.datetime | None, user: User | None = None,
                      valid_from: dt.datetime | None = None) -> CaseGrant:
    """The active row for (case, grantee, purpose, source), made once: asking again for the
    same grantee and source returns the existing row unchanged."""
    if purpose not in CaseGrantPurpose.values:
        raise ValueError(f"unknown case grant purpose {purpose!r}")
    found = CaseGrant.objects.filter(
        case=case, organization=organization, user=user, purpose=purpose,
        source_type=source_type, source_id=str(source_id), ended_at__isnull=True).first()
    if found is not None:
        return found
    row = CaseGrant(municipality_id=policy.tenant_id(actor), case=case, organization=organization,
                    user=user, purpose=purpose, basis=basis,
                    valid_from=valid_from or timezone.now(), valid_until=valid_until,
                    source_type=source_type, source_id=str(source_id), created_by=actor.user)
    with transaction.atomic():
        row.full_clean()
        row.save()
        change_record(user=actor.user, instance=row, operation="create",
                      organization_id=actor.organization_id)
    return row


def _open_rows(actor: Actor, source_type: str, source_id: object) -> QuerySet[CaseGrant]:
    return CaseGrant.objects.filter(municipality_id=policy.tenant_id(actor),
                                    source_type=source_type, source_id=str(source_id),
                                    ended_at__isnull=True)


def case_grants_end(*, actor: Actor, source_type: str, source_id: object, reason: str,
                    case: Case | None = None) -> int:
    """End the open rows made from one source (only those of ``case`` when given)."""
    rows = _open_rows(actor, source_type, source_id)
    if case is not None:
        rows = rows.filter(case=case)
    ended = {"ended_at": timezone.now(), "end_reason": reason[:300]}
    with transaction.atomic():
        return sum(save_changes(row, ended, user=actor.user,
                                organization_id=actor.organization_id, reason=reason)
                   for row in rows.select_for_update())


def case_grants_move(*, actor: Actor, source_type: str, source_id: object,
                     valid_until: dt.datetime | None, reason: str) -> int:
    """The source's window moved (a meeting was rescheduled): its open rows follow."""
    with transaction.atomic():
        return sum(save_changes(row, {"valid_until": valid_until}, user=actor.user,
                                organization_id=actor.organization_id, reason=reason)
                   for row in _open_rows(actor, source_type, source_id).select_for_update())
