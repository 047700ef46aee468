"""Who may see and do what in 地域づくり, built on ``access.policy``.

地域課題, activities, 拠点 logs, the 見守り helpers and the map carry no resident's personal
data: every case-role member of the tenant and the 事務局 read them; case-role members write
them (a 地域課題's status and actions: the receiving organization, the committee's 事務局 or a
推進員). A 気づき report may point at a household, so it is read only by the organization that
entered it, the担当者 it was routed to and the tenant's 推進員 — each read logged
(``community.report.view``), each refusal logged as ``denied``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kasane.access import policy
from kasane.accounts.models import CASE_ROLES, Actor, Role
from kasane.audit.models import Basis
from kasane.audit.services import access_log
from kasane.core.ids import as_id

from .models import AreaIssue, WatchReport

VIEW_ROLES = frozenset(CASE_ROLES | {Role.SECRETARIAT})
NOT_STAFF = "地域づくりの記録は相談支援に携わる職員と事務局が扱えます。"
NOT_WRITER = "地域づくりの記録を書けるのは相談支援に携わる職員です。"


def deny(actor: Actor | None, action: str, message: str, *, object_type: str = "",
           object_id: object = "") -> PermissionDenied:
    """Log a refusal (basis ``denied``) and return the exception to raise."""
    access_log(user=actor.user if actor is not None else None, action=f"community.{action}"[:40],
               basis=Basis.DENIED, organization_id=actor.organization_id if actor else None,
               object_type=object_type, object_id=object_id, detail=message[:500])
    return PermissionDenied(message)


def can_view(actor: Actor | None) -> bool:
    return bool(actor is not None and actor.is_active and actor.role in VIEW_ROLES
                and actor.organization.is_active)


def can_write(actor: Actor | None) -> bool:
    return policy.handles_persons(actor)


def require_community_view(actor: Actor | None, action: str = "view") -> Actor:
    if actor is None or not can_view(actor):
        raise deny(actor, action, NOT_STAFF)
    return actor


def require_community_write(actor: Actor | None, action: str) -> Actor:
    if actor is None or not can_write(actor):
        raise deny(actor, action, NOT_WRITER)
    return actor


# ---- 地域課題 ---------------------------------------------------------------------------------

def issues_for(actor: Actor) -> QuerySet[AreaIssue]:
    """The tenant's 地域課題 (none for a role that may not read them)."""
    if not can_view(actor):
        return AreaIssue.objects.none()
    return AreaIssue.objects.filter(municipality_id=policy.tenant_id(actor)) \
        .select_related("area", "committee")


def require_issue(actor: Actor | None, issue_id: object) -> AreaIssue:
    """A 地域課題 of the actor's tenant; another tenant's or a missing one answers 404 (logged)."""
    require_community_view(actor, "issue.view")
    assert actor is not None
    issue = issues_for(actor).filter(pk=as_id(issue_id)).first()
    if issue is None:
        deny(actor, "issue.view", "存在しない、または他の自治体の地域課題",
               object_type="community.AreaIssue", object_id=issue_id)
        raise Http404("見つかりません。")
    return issue


def can_manage_issue(actor: Actor | None, issue: AreaIssue) -> bool:
    """The receiving organization, the committee's 事務局 and 推進員 move a 地域課題 on."""
    if not can_write(actor) or actor is None or issue.municipality_id != policy.tenant_id(actor):
        return False
    return bool(actor.role == Role.COORDINATOR or actor.organization_id == issue.organization_id
                or (issue.committee is not None
                    and issue.committee.organizer_id == actor.organization_id))


# ---- 気づき -----------------------------------------------------------------------------------

def reports_for(actor: Actor) -> QuerySet[WatchReport]:
    """気づき the actor may read: its organization's entries, those routed to it; 推進員: all."""
    if not can_write(actor):
        return WatchReport.objects.none()
    qs = WatchReport.objects.filter(municipality_id=policy.tenant_id(actor))
    if actor.role != Role.COORDINATOR:
        qs = qs.filter(Q(organization_id=actor.organization_id)
                       | Q(routed_to__user_id=actor.user_id))
    return qs.select_related("area", "watcher", "routed_to__user", "routed_to__organization")


def require_report(actor: Actor | None, report_id: object) -> WatchReport:
    """One 気づき, its read logged; anyone else (or a missing id) gets 404, logged."""
    report = reports_for(actor).filter(pk=as_id(report_id)).first() if actor else None
    if report is None:
        deny(actor, "report.view", "存在しない、または閲覧できない気づき",
               object_type="community.WatchReport", object_id=report_id)
        raise Http404("見つかりません。")
    assert actor is not None
    basis = Basis.OWN_RECORD if report.organization_id == actor.organization_id else Basis.NOT_PERSONAL
    access_log(user=actor.user, action="community.report.view", basis=basis,
               organization_id=actor.organization_id, object_type="community.WatchReport",
               object_id=report.pk, detail="見守りの気づき")
    return report
