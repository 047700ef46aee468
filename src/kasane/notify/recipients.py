"""Who is told: candidate memberships narrowed through the owning app's visibility policy, so
nobody is notified of something they may not see."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

from kasane.accounts.models import CASE_ROLES, Membership, Role


def memberships(municipality_id: int, *, org_ids: Iterable[int] | None = None,
                roles: Iterable[str] = CASE_ROLES) -> QuerySet[Membership]:
    """Active memberships of active users in active organizations of the tenant."""
    qs = Membership.objects.filter(
        organization__municipality_id=municipality_id, is_active=True,
        organization__is_active=True, user__is_active=True, role__in=list(roles),
    ).select_related("organization", "user").order_by("id")
    if org_ids is not None:
        qs = qs.filter(organization_id__in=list(org_ids))
    return qs


def coordinators(municipality_id: int) -> QuerySet[Membership]:
    return memberships(municipality_id, roles=[Role.COORDINATOR])


def who_may(candidates: Iterable[Membership],
            allowed: Callable[[Membership], bool]) -> list[Membership]:
    """The candidates the policy lets see the object (a policy question per candidate: the
    candidates are one organization's or the tenant's coordinators — a handful)."""
    return [m for m in candidates if allowed(m)]
