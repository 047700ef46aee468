"""The 地域づくり demo: every 圏域 has a committee, 地域課題 in each status, a year of
activities, a 拠点's logs and 見守り reports; loading twice adds nothing."""

import pytest
from django.db import transaction

from kasane.accounts import demo as accounts_demo
from kasane.areas import demo as areas_demo
from kasane.audit.context import request_context
from kasane.meetings.models import Meeting, MeetingBody, MeetingType
from kasane.resources import demo as resources_demo

from .. import demo
from ..models import Activity, AreaIssue, HubLog, IssueStatus, Watcher, WatchReport

pytestmark = pytest.mark.django_db


def load_demo() -> None:
    """The demos community builds on (accounts, areas, resources), then its own — as the web
    demo loader runs them (web sits above community, so it is not imported here)."""
    with request_context(), transaction.atomic():
        data = accounts_demo.load()
        for load in (areas_demo.load, resources_demo.load, demo.load):
            load(data)


def test_the_demo_fills_every_area_and_status_once():
    load_demo()
    counts = (AreaIssue.objects.count(), Activity.objects.count(), WatchReport.objects.count())
    load_demo()
    assert (AreaIssue.objects.count(), Activity.objects.count(),
            WatchReport.objects.count()) == counts
    committees = MeetingBody.objects.filter(type=MeetingType.AREA_COMMITTEE)
    assert committees.count() == 3 and all(b.area_id for b in committees)
    assert {i.status for i in AreaIssue.objects.all()} == set(IssueStatus.values)
    assert AreaIssue.objects.filter(sheet_record__isnull=False).exists()
    assert AreaIssue.objects.values("area").distinct().count() == 3
    for body in committees:
        assert Meeting.objects.filter(body=body).count() == 3
    assert Activity.objects.values("kind").distinct().count() == 4
    assert HubLog.objects.count() > 30 and Watcher.objects.count() == 12
    assert WatchReport.objects.filter(status="new").exists()
