"""A place's participant count (``current_participants``), moved by 参加支援 when a match
starts or ends: the only write of that count besides the directory's own edit form.

Same order as the other directory writes: tenant check → transaction → row locked → capacity
checked → saved → audit rows (access log ``resources.place.participants`` with the reason,
field-level change record with the reason). Who may start or end a participation is decided by the caller's
policy (participation); the directory only keeps its count consistent.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from kasane.accounts.models import Actor
from kasane.audit.models import Basis
from kasane.audit.services import access_log, change_record

from .. import policy
from ..models import Place
from .places import snap


def place_participants_adjust(*, place: Place, delta: int, actor: Actor, reason: str) -> Place:
    """Add ``delta`` (±) to the place's participants, with the row locked; refused with a
    message at ``current_participants`` when it would pass the capacity (定員). Never below
    zero: freeing a seat of an empty place changes nothing and writes nothing. Returns the
    locked, updated row. Joins the caller's transaction when there is one."""
    if place.municipality_id != policy.tenant_id(actor):
        raise ValidationError("この社会資源は見つかりません。")
    with transaction.atomic():
        locked = Place.objects.select_for_update().get(pk=place.pk)
        new = max(0, locked.current_participants + delta)
        if new == locked.current_participants:
            return locked
        if delta > 0 and locked.capacity is not None and new > locked.capacity:
            raise ValidationError({"current_participants":
                                   f"{locked.name}は定員（{locked.capacity}人）に達しています。"})
        before = snap(locked)
        locked.current_participants = new
        locked.save(update_fields=["current_participants", "updated_at"])
        access_log(user=actor.user, action="resources.place.participants",
                   basis=Basis.NOT_PERSONAL, organization_id=actor.organization_id,
                   object_type=Place._meta.label, object_id=locked.pk, detail=reason[:500])
        change_record(user=actor.user, instance=locked, operation="update", before=before,
                      after=snap(locked), organization_id=actor.organization_id, reason=reason)
    place.current_participants = locked.current_participants
    return locked
