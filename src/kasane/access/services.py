"""The only writers of Grant and EmergencyReview. Other apps (consent here; referrals and
meetings later) call these after their own policy check; each write leaves a ChangeRecord.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kasane.accounts.models import Actor
from kasane.audit.models import Basis
from kasane.audit.services import access_log, change_record, save_changes, snapshot
from kasane.people.models import Person

from . import policy
from .events import EMERGENCY_REQUESTED
from .models import (
    SCOPE_ALL,
    EmergencyReview,
    Grant,
    GrantBasis,
    Purpose,
    ReviewOutcome,
    scope_from,
)

EMERGENCY_DEFAULT_HOURS = 24
EMERGENCY_MAX_HOURS = 72
REASON_MIN_LENGTH = 10


def _check_scope(purposes: list[str] | tuple[str, ...] | None) -> str:
    unknown = [p for p in purposes or [] if p not in Purpose.values]
    if unknown:
        raise ValidationError({"scope": f"不明な目的コードです: {', '.join(unknown)}"})
    return scope_from(purposes)


def grant_create(
    *,
    actor: Actor,
    person: Any,
    basis: str,
    organization: Any = None,
    user: Any = None,
    purposes: list[str] | tuple[str, ...] | None = None,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
    source_type: str = "",
    source_id: object = "",
) -> Grant:
    """Create one grant. The calling service has already checked its own policy (e.g. that the
    actor may record a consent); this checks the tenant, the grantee and the basis code."""
    if actor is None:
        raise PermissionDenied("操作する所属がありません。")
    tenant = policy.tenant_id(actor)
    if person.municipality_id != tenant:
        raise PermissionDenied("他の自治体の本人には根拠を設定できません。")
    if basis not in GrantBasis.values:
        raise ValidationError({"basis": "法的根拠のコードが正しくありません。"})
    if organization is None and user is None:
        raise ValidationError({"organization": "組織または利用者を指定してください。"})
    if organization is not None and organization.municipality_id != tenant:
        raise ValidationError({"organization": "他の自治体の組織は指定できません。"})
    if user is not None and user.municipality_id != tenant:
        raise ValidationError({"user": "他の自治体の利用者は指定できません。"})
    grant = Grant(
        municipality_id=tenant, person=person, organization=organization, user=user, basis=basis,
        scope=_check_scope(purposes), valid_from=valid_from or timezone.now(),
        valid_until=valid_until, source_type=source_type, source_id=str(source_id),
        created_by=actor.user,
    )
    if grant.valid_until is not None and grant.valid_until <= grant.valid_from:
        raise ValidationError({"valid_until": "有効期限は開始より後にしてください。"})
    with transaction.atomic():
        grant.full_clean()
        grant.save()
        change_record(user=actor.user, instance=grant, operation="create",
                      organization_id=actor.organization_id)
    return grant


def grant_end(*, actor: Actor, grant: Grant, reason: str, at: dt.datetime | None = None) -> Grant:
    """End a grant now (idempotent for an already ended grant: nothing changes)."""
    if actor is None or grant.municipality_id != policy.tenant_id(actor):
        raise PermissionDenied("この根拠は終了できません。")
    if grant.ended_at is not None:
        return grant
    with transaction.atomic():
        before = snapshot(grant)
        grant.ended_at = at or timezone.now()
        grant.end_reason = reason[:300]
        grant.save(update_fields=["ended_at", "end_reason"])
        change_record(user=actor.user, instance=grant, operation="update", before=before,
                      organization_id=actor.organization_id, reason=reason)
    return grant


def grant_ensure(*, actor: Actor, person: Any, basis: str, source_type: str, source_id: object,
                 organization: Any = None, user: Any = None,
                 valid_until: dt.datetime | None = None) -> Grant:
    """The open grant of this grantee from this source, made once (``grant_create``)."""
    found = Grant.objects.filter(
        municipality_id=policy.tenant_id(actor), person=person, organization=organization,
        user=user, basis=basis, source_type=source_type, source_id=str(source_id),
        ended_at__isnull=True).first()
    if found is not None:
        return found
    return grant_create(actor=actor, person=person, basis=basis, organization=organization,
                        user=user, valid_until=valid_until, source_type=source_type,
                        source_id=source_id)


def _open_from(actor: Actor, sources: Iterable[tuple[str, object]]) -> QuerySet[Grant]:
    keys = Q(pk__in=[])
    for source_type, source_id in sources:
        keys |= Q(source_type=source_type, source_id=str(source_id))
    return Grant.objects.filter(keys, municipality_id=policy.tenant_id(actor),
                                ended_at__isnull=True)


def grants_end_for_source(*, actor: Actor, source_type: str, source_id: object, reason: str,
                          person_ids: Iterable[int] | None = None,
                          organization_id: int | None = None) -> int:
    """End every open grant made from one source record (a consent, a meeting, a referral),
    optionally only those of some persons and of one grantee organization."""
    return grants_end_from(actor=actor, sources=[(source_type, source_id)], reason=reason,
                           person_ids=person_ids, organization_id=organization_id)


def grants_end_from(*, actor: Actor, sources: Iterable[tuple[str, object]], reason: str,
                    person_ids: Iterable[int] | None = None,
                    organization_id: int | None = None) -> int:
    """``grants_end_for_source`` over several sources (e.g. a case's referrals and plans)."""
    grants = _open_from(actor, sources)
    if person_ids is not None:
        grants = grants.filter(person_id__in=list(person_ids))
    if organization_id is not None:
        grants = grants.filter(organization_id=organization_id)
    count = 0
    with transaction.atomic():
        for grant in grants.select_for_update():
            grant_end(actor=actor, grant=grant, reason=reason)
            count += 1
    return count


def grants_move_for_source(*, actor: Actor, source_type: str, source_id: object,
                           valid_until: dt.datetime | None, reason: str) -> int:
    """The source's window moved (a meeting was rescheduled): its open grants follow."""
    with transaction.atomic():
        return sum(save_changes(grant, {"valid_until": valid_until}, user=actor.user,
                                organization_id=actor.organization_id, reason=reason)
                   for grant in _open_from(actor, [(source_type, source_id)]).select_for_update())


def emergency_access_request(*, actor: Actor | None, person_id: Any, reason: str,
                             hours: int = EMERGENCY_DEFAULT_HOURS) -> EmergencyReview:
    """緊急アクセス: a short grant for the actor (org + user), queued for a coordinator's review."""
    if actor is None or not policy.can(actor, "emergency.request"):
        policy.log_denied(actor, "emergency", detail="緊急アクセスを申請できない役割")
        raise PermissionDenied("緊急アクセスは相談支援に携わる職員のみ申請できます。")
    reason = (reason or "").strip()
    errors = {}
    if len(reason) < REASON_MIN_LENGTH:
        errors["reason"] = f"緊急に閲覧する理由を{REASON_MIN_LENGTH}文字以上で具体的に入力してください。"
    if not isinstance(hours, int) or not 1 <= hours <= EMERGENCY_MAX_HOURS:
        errors["hours"] = f"有効時間は1〜{EMERGENCY_MAX_HOURS}時間で指定してください。"
    if errors:
        raise ValidationError(errors)
    try:
        person = Person.objects.get(pk=int(person_id), municipality_id=policy.tenant_id(actor))
    except (Person.DoesNotExist, TypeError, ValueError):
        policy.log_denied(actor, "emergency", detail="存在しない本人ID")
        raise Http404("見つかりません。")
    current = policy.person_basis(actor, person.pk)
    if current is not None and current != Basis.EMERGENCY:
        raise ValidationError({"reason": "この本人はすでに閲覧できます。緊急アクセスは不要です。"})
    now = timezone.now()
    with transaction.atomic():
        grant = grant_create(actor=actor, person=person, basis=GrantBasis.EMERGENCY,
                             organization=actor.organization, user=actor.user,
                             valid_from=now, valid_until=now + dt.timedelta(hours=hours),
                             source_type="emergency")
        review = EmergencyReview(municipality_id=grant.municipality_id, grant=grant, reason=reason,
                                 requested_by=actor.user, requested_org=actor.organization)
        review.full_clean()
        review.save()
        grant.source_id = str(review.pk)
        grant.save(update_fields=["source_id"])
        change_record(user=actor.user, instance=review, operation="create",
                      organization_id=actor.organization_id, reason=reason)
        access_log(user=actor.user, action="person.emergency", basis=Basis.EMERGENCY,
                   organization_id=actor.organization_id, object_type="access.EmergencyReview",
                   object_id=review.pk, person_id=person.pk, detail=reason[:500])
        EMERGENCY_REQUESTED.emit(municipality_id=review.municipality_id, review_id=review.pk)
    return review


def emergency_review(*, actor: Actor, review: EmergencyReview, outcome: str,
                     note: str = "") -> EmergencyReview:
    """A coordinator's after-the-fact review; "inappropriate" needs a note and ends the grant."""
    if review.municipality_id != policy.tenant_id(actor):
        raise Http404("見つかりません。")
    if not review.is_open:
        raise ValidationError({"outcome": "この緊急アクセスは確認済みです。"})
    if not policy.can(actor, "emergency.review", review):
        if actor is not None and review.requested_by_id == actor.user_id:
            raise PermissionDenied("自分が申請した緊急アクセスは確認できません。")
        raise PermissionDenied("緊急アクセスの確認は相談支援包括化推進員が行います。")
    note = (note or "").strip()
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": "確認結果を選んでください。"})
    if outcome == ReviewOutcome.INAPPROPRIATE and not note:
        raise ValidationError({"note": "不適切と判断した理由を入力してください。"})
    with transaction.atomic():
        before = snapshot(review)
        review.outcome = outcome
        review.note = note
        review.reviewed_by = actor.user
        review.reviewed_at = timezone.now()
        review.save()
        change_record(user=actor.user, instance=review, operation="update", before=before,
                      organization_id=actor.organization_id, reason=note)
        if outcome == ReviewOutcome.INAPPROPRIATE:
            grant_end(actor=actor, grant=review.grant, reason="緊急アクセスの事後確認で不適切と判断")
    return review


__all__ = [
    "SCOPE_ALL", "emergency_access_request", "emergency_review", "grant_create", "grant_end",
    "grant_ensure", "grants_end_for_source", "grants_end_from", "grants_move_for_source",
]
