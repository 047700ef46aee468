"""The 「地域課題」 panel community adds to a 福祉のまちづくり委員会 meeting page (``core.panels``,
page ``meetings.meeting``): the committee's open 地域課題 (and those closed since its previous
meeting) with their actions — titles, themes and status only, never a resident's name. The
meeting page has already checked the meeting; the panel reads through ``community.policy``."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from kasane.accounts.http import membership_of
from kasane.core.panels import PANELS
from kasane.meetings.models import MeetingType

from . import policy, selectors


def committee_issues(request: Any, meeting: Any) -> str:
    actor = membership_of(request)
    if actor is None or meeting.body.type != MeetingType.AREA_COMMITTEE or not policy.can_view(actor):
        return ""
    found = selectors.issues_for_meeting(actor, meeting)
    return render_to_string("community/_meeting_issues.html",
                            {"meeting": meeting, "issues": found}, request=request)


PANELS.add("meetings.meeting", committee_issues)
