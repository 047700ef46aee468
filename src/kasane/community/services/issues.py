"""地域課題: created from each submitted 地域課題シート (``community.sheet_links``) or from the
screen, assigned to the 福祉のまちづくり委員会 of its 日常生活圏域; status moves
受付 → 検討中 → 取組中 → 解決 / 継続 (or 協議会へ) with actions. Policy → transaction →
full_clean → write → ChangeRecord."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kasane.accounts.models import Actor
from kasane.areas.models import Area, AreaKind
from kasane.audit.services import change_record, snapshot
from kasane.core import messages
from kasane.meetings.models import Meeting, MeetingBody, MeetingType
from kasane.resources.models import Place
from kasane.sheets import policy as sheet_policy

from ..models import AreaIssue, IssueAction, IssueStatus
from ..policy import can_manage_issue, deny, require_community_write

# Forward order of the statuses; the last step is one of the ends.
STEP = {IssueStatus.RECEIVED: 0, IssueStatus.DISCUSSING: 1, IssueStatus.ACTING: 2,
        IssueStatus.ESCALATED: 3, IssueStatus.RESOLVED: 3, IssueStatus.CONTINUING: 3}


def area_of(municipality_id: int, value: Any) -> Area | None:
    """A 日常生活圏域 of the tenant by id, code or name (a sheet's 圏域 answer)."""
    text = str(value or "").strip()
    if not text:
        return None
    qs = Area.objects.filter(municipality_id=municipality_id, kind=AreaKind.DAILY_LIFE_AREA)
    bare = text.removesuffix("圏域")
    return (qs.filter(code=text).first()
            or qs.filter(name__in=[text, bare, f"{bare}圏域"]).first())


def committee_of(area: Area) -> MeetingBody | None:
    """The area's active 福祉のまちづくり委員会 (at most one, a constraint of meetings)."""
    return MeetingBody.objects.filter(area=area, type=MeetingType.AREA_COMMITTEE,
                                      is_active=True).first()


def _check(area: Area | None, title: str, status: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if area is None:
        errors["area"] = "この自治体の日常生活圏域を選んでください。"
    if not title.strip():
        errors["title"] = f"件名を{messages.REQUIRED}"
    if status not in IssueStatus.values:
        errors["status"] = messages.INVALID_CHOICE
    return errors


def area_issue_create(*, actor: Actor, area: Area | None, title: str, description: str = "",
                      themes: Iterable[str] = (), raised_by: str = "",
                      status: str = IssueStatus.RECEIVED,
                      sheet_record_id: int | None = None) -> AreaIssue:
    """A new 地域課題 of ``area``, assigned to the area's committee when there is one. From a
    sheet (``sheet_record_id``) the writer is whoever ``sheets.policy`` let submit it (a
    連絡員 too); from the screen, case-role staff."""
    if sheet_record_id is None:
        require_community_write(actor, "issue.create")
    elif not sheet_policy.can_write(actor, "area_issue"):
        raise deny(actor, "issue.create", "地域課題シートを書けない役割です。")
    errors = _check(area, title, status)
    if area is not None and area.municipality_id != actor.organization.municipality_id:
        errors["area"] = "この自治体の日常生活圏域を選んでください。"
    if errors:
        raise ValidationError(errors)
    assert area is not None
    issue = AreaIssue(municipality_id=area.municipality_id, area=area, committee=committee_of(area),
                      title=title.strip()[:200], description=(description or "").strip(),
                      themes=list(themes), raised_by=raised_by[:20], status=status,
                      sheet_record_id=sheet_record_id, organization=actor.organization,
                      created_by=actor.user)
    with transaction.atomic():
        issue.full_clean()
        issue.save()
        change_record(user=actor.user, instance=issue, operation="create",
                      organization_id=actor.organization_id)
    return issue


def area_issue_update(*, actor: Actor, issue: AreaIssue, area: Area | None, title: str,
                      description: str, themes: Iterable[str], status: str) -> AreaIssue:
    """The sheet was edited: its answers replace the issue's (the committee follows the area)."""
    if not can_manage_issue(actor, issue):
        raise deny(actor, "issue.update", "この地域課題を変更できるのは受付機関、委員会の事務局または推進員です。",
                     object_type="community.AreaIssue", object_id=issue.pk)
    errors = _check(area, title, status)
    if errors:
        raise ValidationError(errors)
    assert area is not None
    with transaction.atomic():
        before = snapshot(issue)
        if area.pk != issue.area_id:
            issue.area, issue.committee = area, committee_of(area)
        issue.title, issue.description = title.strip()[:200], (description or "").strip()
        issue.themes, issue.status = list(themes), status
        issue.full_clean()
        issue.save()
        change_record(user=actor.user, instance=issue, operation="update", before=before,
                      organization_id=actor.organization_id)
    return issue


def area_issue_status(*, actor: Actor, issue: AreaIssue, status: str,
                      confirm_back: bool = False) -> AreaIssue:
    """Move a 地域課題 on; going back (e.g. 取組中 → 検討中) needs ``confirm_back``."""
    if not can_manage_issue(actor, issue):
        raise deny(actor, "issue.status", "状態を変えられるのは受付機関、委員会の事務局または推進員です。",
                     object_type="community.AreaIssue", object_id=issue.pk)
    if status not in IssueStatus.values:
        raise ValidationError({"status": messages.INVALID_CHOICE})
    if status == issue.status:
        raise ValidationError({"status": "いまの状態と同じです。"})
    if STEP[IssueStatus(status)] < STEP[IssueStatus(issue.status)] and not confirm_back:
        raise ValidationError({"status": "前の状態に戻すときは、確認にチェックを入れてください。"})
    with transaction.atomic():
        before = snapshot(issue)
        issue.status = status
        issue.save(update_fields=["status", "updated_at"])
        change_record(user=actor.user, instance=issue, operation="update", before=before,
                      organization_id=actor.organization_id)
    return issue


def issue_action_add(*, actor: Actor, issue: AreaIssue, on: dt.date | None, content: str,
                     owner: str = "", due_on: dt.date | None = None,
                     start: bool = False, meeting: Meeting | None = None,
                     resource: Place | None = None) -> IssueAction:
    """Record an action (日付・内容・担い手); ``start`` also moves a 受付/検討中 issue to 取組中.
    ``meeting``: the 福祉のまちづくり委員会 meeting (of this tenant, already held) where the issue
    was discussed; ``resource``: a place of this tenant the action created (its origin link)."""
    if not can_manage_issue(actor, issue):
        raise deny(actor, "issue.action", "取組を記録できるのは受付機関、委員会の事務局または推進員です。",
                     object_type="community.AreaIssue", object_id=issue.pk)
    errors: dict[str, str] = {}
    if on is None:
        errors["on"] = messages.REQUIRED
    elif on > timezone.localdate():
        errors["on"] = messages.FUTURE_DATE
    if not (content or "").strip():
        errors["content"] = messages.REQUIRED
    if on is not None and due_on is not None and due_on < on:
        errors["due_on"] = "期限は日付より後にしてください。"
    if meeting is not None and (meeting.municipality_id != issue.municipality_id
                                or meeting.body.type != MeetingType.AREA_COMMITTEE):
        errors["meeting"] = "福祉のまちづくり委員会の会議を選んでください。"
    elif meeting is not None and meeting.starts_at > timezone.now():
        errors["meeting"] = "まだ開かれていない会議は選べません。"
    if resource is not None and resource.municipality_id != issue.municipality_id:
        errors["resource"] = "この市区町村の社会資源を選んでください。"
    if errors:
        raise ValidationError(errors)
    assert on is not None
    action = IssueAction(issue=issue, on=on, content=content.strip()[:500],
                         owner=(owner or "").strip()[:100], due_on=due_on, created_by=actor.user,
                         meeting=meeting, resource=resource)
    with transaction.atomic():
        action.full_clean()
        action.save()
        change_record(user=actor.user, instance=action, operation="create",
                      organization_id=actor.organization_id)
        if start and STEP[IssueStatus(issue.status)] < STEP[IssueStatus.ACTING]:
            area_issue_status(actor=actor, issue=issue, status=IssueStatus.ACTING)
    return action
