"""What a submitted 地域課題シート does (``sheets.links`` handler ``area_issue``, registered from
``CommunityConfig.ready``): each submitted sheet becomes one AreaIssue of its 圏域, assigned
to that area's 福祉のまちづくり委員会; an edit of the sheet updates it (status, title,
content, themes). A 圏域 the master does not know fails the step with a Japanese message and
can be retried once the area exists. No person is ever read or written."""

from __future__ import annotations

from django.urls import reverse

from kasane.sheets import links
from kasane.sheets.links import Link, Outcome, Step
from kasane.sheets.models import SheetDerivation

from . import services
from .models import AreaIssue, IssueStatus


def _run(link: Link, prev: SheetDerivation | None) -> Outcome:
    a, record = link.answers, link.record
    area = services.area_of(record.municipality_id, a.get("area"))
    status = str(a.get("status") if a.get("status") in IssueStatus.values else IssueStatus.RECEIVED)
    title, description = str(a.get("title") or ""), str(a.get("description") or "")
    themes = [t for t in a.get("themes") or [] if isinstance(t, str)]
    issue = AreaIssue.objects.filter(sheet_record=record).first()
    if issue is None:
        issue = services.area_issue_create(
            actor=link.actor, area=area, title=title, description=description, themes=themes,
            status=status, raised_by=str(a.get("raised_by") or ""), sheet_record_id=record.pk)
    elif link.operation in ("edit", "retry"):
        issue = services.area_issue_update(actor=link.actor, issue=issue, area=area, title=title,
                                           description=description, themes=themes, status=status)
    label = f"地域課題#{issue.pk}"
    if issue.committee is not None:
        label += f"（{issue.committee.name}）"
    return Outcome(object_id=issue.pk, label=label,
                   url=reverse("community:issue", args=[issue.pk]))


def issue_steps(link: Link) -> list[Step]:
    return [Step(key="area_issue", kind="area_issue", field=link.fields[0]["key"], run=_run)]


links.register(links.LinkHandler("area_issue", issue_steps))
