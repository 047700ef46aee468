"""Network meetings (issue 18): 相談支援包括化推進会議, 福祉のまちづくり委員会 (one per 圏域) and
庁内連携会議. They hold no personal data: members by name and affiliation, and per meeting a
theme, minutes, decisions and attendance. Same order as every write: policy → transaction →
full_clean → write → ChangeRecord. A network meeting never holds a case (``agenda_add``
refuses it; ``AgendaItem.clean`` and a database trigger too).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from kasane.accounts.models import Actor
from kasane.audit.services import change_record, snapshot
from kasane.core.ids import as_id

from ..models import BodyMember, Meeting, MeetingBody
from ..policy import can_manage, refuse

NOT_NETWORK = "この会議体はネットワーク会議ではありません。"


def body_member_add(*, actor: Actor, body: MeetingBody, name: str,
                    affiliation: str = "") -> BodyMember:
    """Add a member (委員) to a network body; 事務局 or 推進員 only."""
    if not can_manage(actor, body):
        raise refuse(actor, "member.add", "委員を登録できるのは会議体の事務局または推進員です。")
    if not body.is_network:
        raise ValidationError({"name": NOT_NETWORK})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "氏名を入力してください。"})
    order = (body.members.aggregate(m=Max("order"))["m"] or 0) + 1
    member = BodyMember(body=body, name=name[:100], affiliation=(affiliation or "").strip()[:100],
                        order=order)
    with transaction.atomic():
        member.full_clean()
        member.save()
        change_record(user=actor.user, instance=member, operation="create",
                      organization_id=actor.organization_id)
    return member


def network_record(*, actor: Actor, meeting: Meeting, theme: str = "", minutes: str = "",
                   decisions: str = "", attendance_count: int | None = None,
                   present_member_ids: Iterable[Any] = ()) -> Meeting:
    """Record what a network meeting discussed and decided, and who attended. The count of
    attendees is at least the members marked present."""
    body = meeting.body
    if not can_manage(actor, body):
        raise refuse(actor, "network.record",
                     "会議の記録を書けるのは会議体の事務局または推進員です。", object_id=meeting.pk)
    if not body.is_network:
        raise ValidationError({"theme": NOT_NETWORK})
    ids = {as_id(i) for i in present_member_ids}
    members = list(body.members.filter(pk__in=ids))
    errors: dict[str, str] = {}
    if len(members) != len(ids):
        errors["present_member_ids"] = "出席した委員は、この会議体の委員から選んでください。"
    if attendance_count is not None and attendance_count < 0:
        errors["attendance_count"] = "0以上の数を入力してください。"
    elif attendance_count is not None and attendance_count < len(members):
        errors["attendance_count"] = f"出席者数は、出席した委員の数（{len(members)}人）以上にしてください。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snapshot(meeting)
        meeting.theme = (theme or "").strip()[:200]
        meeting.minutes = (minutes or "").strip()
        meeting.decisions = (decisions or "").strip()
        meeting.attendance_count = attendance_count if attendance_count is not None else (
            len(members) or None)
        meeting.full_clean()
        meeting.save(update_fields=["theme", "minutes", "decisions", "attendance_count"])
        meeting.present_members.set(members)
        change_record(user=actor.user, instance=meeting, operation="update", before=before,
                      organization_id=actor.organization_id, reason="ネットワーク会議の記録")
    return meeting
