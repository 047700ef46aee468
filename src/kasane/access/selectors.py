"""Reads of grants and emergency reviews (the decisions themselves live in ``policy``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kasane.accounts.models import Actor

from . import policy
from .models import EmergencyReview, Grant


def grants_for_person(*, actor: Actor, person: Any) -> QuerySet[Grant]:
    """"Who may see this person and why": every grant, current and past (recording org and
    coordinators with a basis only)."""
    if not policy.can(actor, "grants.view", person):
        raise PermissionDenied("閲覧の根拠を確認できるのは記録した組織と推進員です。")
    return (Grant.objects.filter(person=person, municipality_id=policy.tenant_id(actor))
            .select_related("organization", "user", "created_by").order_by("-created_at", "-id"))


def emergency_reviews(*, actor: Actor, open_only: bool = True) -> QuerySet[EmergencyReview]:
    """Emergency accesses of the actor's tenant, for coordinators (open ones first)."""
    if not policy.can(actor, "emergency.review"):
        raise PermissionDenied("緊急アクセスの確認は相談支援包括化推進員が行います。")
    qs = EmergencyReview.objects.filter(municipality_id=policy.tenant_id(actor)).select_related(
        "grant", "requested_by", "requested_org", "reviewed_by")
    if open_only:
        qs = qs.filter(reviewed_at__isnull=True)
    return qs.order_by("-reviewed_at", "requested_at") if open_only else qs.order_by("-requested_at")


def emergency_reviews_done(*, actor: Actor, limit: int = 30) -> list[EmergencyReview]:
    """The tenant's latest reviewed emergency accesses (newest request first)."""
    return list(emergency_reviews(actor=actor, open_only=False)
                .filter(reviewed_at__isnull=False)[:limit])


def emergency_review_of(*, actor: Actor, pk: int) -> EmergencyReview:
    """One emergency access of the actor's tenant, for review (Http404 otherwise)."""
    return get_object_or_404(emergency_reviews(actor=actor, open_only=False), pk=pk)


def emergency_grants_of(*, actor: Actor) -> QuerySet[Grant]:
    """The actor's own emergency grants that are still active (shown on their home page)."""
    return policy.active_grants(actor).filter(basis="emergency", user_id=actor.user_id) \
        .order_by("valid_until")
