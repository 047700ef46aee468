"""Who may see and do what with meetings, built on ``access.policy`` and ``cases.policy``.

Meeting metadata (body, date, place, agenda titles) is not personal data: members of the
organizing organization, attendees, standing members and the tenant's 推進員 see it. An
agenda item's case is shown only to attendees who pledged 守秘義務 (for this meeting, or
once per 年度 as standing members) while the review window is open. Network meetings
(推進会議・まちづくり委員会・庁内連携会議) hold no personal data: every case-role member of the tenant
sees them — through the
``CaseGrant`` rows meetings makes on pledge (``cases.policy`` reads them) and
``cases.policy.require_case`` (logged per subject person). Refusals are logged.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from kasane.access import policy
from kasane.accounts.models import Actor, Role
from kasane.audit.models import Basis
from kasane.audit.services import access_log
from kasane.cases import policy as case_policy
from kasane.cases.models import Case
from kasane.core.ids import as_id

from .models import NETWORK_TYPES, AgendaItem, Attendee, Meeting, MeetingBody

NOT_HANDLER = "会議は相談支援に携わる職員のみが扱えます。"


def refuse(actor: Actor | None, action: str, message: str, *, object_id: object = "",
           person_id: int | None = None) -> PermissionDenied:
    """Log a refusal (basis ``denied``) and return the exception to raise."""
    access_log(user=actor.user if actor is not None else None, action=f"meeting.{action}"[:40],
               basis=Basis.DENIED, organization_id=actor.organization_id if actor else None,
               object_type="meetings.Meeting", object_id=object_id, person_id=person_id,
               detail=message[:500])
    return PermissionDenied(message)


def require_handler(actor: Actor | None) -> Actor:
    return policy.require_handler(actor, message=NOT_HANDLER, detail="meetings")


def can_manage(actor: Actor | None, body: MeetingBody) -> bool:
    """事務局 (members of the organizing org) and 推進員 of the tenant manage a body's meetings."""
    return bool(actor is not None and policy.handles_persons(actor)
                and body.municipality_id == policy.tenant_id(actor)
                and (actor.organization_id == body.organizer_id
                     or actor.role == Role.COORDINATOR))


def can_create_body(actor: Actor | None) -> bool:
    """会議体 are set up by 推進員."""
    return bool(actor is not None and policy.handles_persons(actor)
                and actor.role == Role.COORDINATOR)


def meeting_reach(actor: Actor) -> Q:
    """The meetings of its tenant an actor may see (推進員: all; others: network meetings —
    no personal data —, bodies their org organizes or belongs to, and meetings they attend)."""
    if actor.role == Role.COORDINATOR:
        return Q()
    return (Q(body__type__in=NETWORK_TYPES) | Q(body__organizer_id=actor.organization_id)
            | Q(attendees__user_id=actor.user_id)
            | Q(body__standing_users=actor.user_id) | Q(body__standing_orgs=actor.organization_id))


def can_see_meeting(actor: Actor | None, meeting: Meeting) -> bool:
    return bool(actor is not None and policy.handles_persons(actor)
                and meeting.municipality_id == policy.tenant_id(actor)
                and Meeting.objects.filter(meeting_reach(actor), pk=meeting.pk).exists())


def require_meeting(actor: Actor | None, meeting_id: object, *, action: str = "view") -> Meeting:
    """A meeting of the actor's tenant; another tenant's (or none) is refused, logged, 404."""
    meeting = Meeting.objects.select_related("body", "body__organizer").filter(
        pk=as_id(meeting_id), municipality_id=policy.tenant_id(actor)).first()
    if meeting is None:
        refuse(actor, action, "存在しない、または他の自治体の会議", object_id=meeting_id)
        raise Http404("見つかりません。")
    return meeting


def require_meeting_view(actor: Actor | None, meeting: Meeting) -> None:
    if not can_see_meeting(actor, meeting):
        raise refuse(actor, "view", "この会議の出席者・構成員ではありません。", object_id=meeting.pk)


def my_attendance(actor: Actor, meeting: Meeting) -> Attendee | None:
    return meeting.attendees.filter(user_id=actor.user_id).select_related("pledge").first()


def is_pledged(actor: Actor | None, meeting: Meeting) -> bool:
    """The actor attends as this organization, has pledged, and the window is open."""
    if actor is None:
        return False
    me = my_attendance(actor, meeting)
    return bool(me is not None and me.pledge_id and me.organization_id == actor.organization_id
                and meeting.window_open())


def require_item(actor: Actor, item: AgendaItem) -> Case:
    """One agenda case for an attendee: refused (logged) without a pledge; then ``require_case``."""
    meeting = item.meeting
    if not is_pledged(actor, meeting):
        raise refuse(actor, "item.view",
                     "守秘義務の誓約をしていないため、この議題の内容は閲覧できません。誓約は会議の画面から行えます。",
                     object_id=meeting.pk)
    return case_policy.require_case(actor, item.case_id, action="meeting.view",
                                    detail=f"会議#{meeting.pk}")
