"""The weekly 当番 rota: a coordinator sets who is on call (``order`` 0) and the backup (1) of a
week; alerts ``to_rota`` reach the first on call, escalation the backups."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from kasane.access import policy
from kasane.accounts.models import CASE_ROLES, Actor, Membership, Role
from kasane.audit.services import change_record
from kasane.core.ids import as_id

from ..models import RotaShift


def require_rota_editor(actor: Actor | None) -> Actor:
    if actor is None or actor.role != Role.COORDINATOR:
        raise PermissionDenied("当番を決められるのは相談支援包括化推進員です。")
    return actor


def rota_set(*, actor: Actor | None, week_start: dt.date, user_id: object,
             order: int = 0) -> RotaShift:
    """Put a staff member (a case role of the tenant) on the week's rota."""
    actor = require_rota_editor(actor)
    errors: dict[str, str] = {}
    muni = policy.tenant_id(actor)
    member = Membership.objects.filter(
        user_id=as_id(user_id), role__in=list(CASE_ROLES),
        is_active=True, organization__municipality_id=muni, organization__is_active=True,
    ).order_by("pk").first()
    if member is None:
        errors["user"] = "当番にする職員を選んでください。"
    if order not in (0, 1):
        errors["order"] = "順番は「当番」か「控え」を選んでください。"
    monday = RotaShift.monday(week_start)
    if member is not None and RotaShift.objects.filter(
            municipality_id=muni, week_start=monday, membership=member).exists():
        errors["user"] = "この職員はすでにこの週の当番に入っています。"
    if errors:
        raise ValidationError(errors)
    assert member is not None
    with transaction.atomic():
        shift = RotaShift.objects.create(municipality_id=muni, week_start=monday,
                                         membership=member, order=order)
        change_record(user=actor.user, instance=shift, operation="create",
                      organization_id=actor.organization_id)
    return shift


def rota_remove(*, actor: Actor | None, shift_id: object) -> None:
    actor = require_rota_editor(actor)
    shift = RotaShift.objects.filter(pk=as_id(shift_id),
                                     municipality_id=policy.tenant_id(actor)).first()
    if shift is None:
        raise Http404("見つかりません。")
    with transaction.atomic():
        change_record(user=actor.user, instance=shift, operation="delete",
                      organization_id=actor.organization_id)
        shift.delete()
