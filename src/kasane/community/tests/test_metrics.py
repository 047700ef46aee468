"""地域づくり figures in the core metric registry."""

import datetime as dt

import pytest
from django.utils import timezone

from kasane.core import metrics
from kasane.core.wareki import fiscal_year
from kasane.people.tests.factories import actor
from kasane.resources.models import Place, Provider

from .. import services
from .factories import make_areas

pytestmark = pytest.mark.django_db


def test_it_counts_issues_activities_hub_visits_and_reports(city):
    areas = make_areas(city)
    staff, today = actor(city.outsider), timezone.localdate()
    services.area_issue_create(actor=staff, area=areas["N"], title="a")
    issue = services.area_issue_create(actor=staff, area=areas["S"], title="b")
    services.area_issue_status(actor=staff, issue=issue, status="discussing")
    services.activity_record(actor=staff, kind="community_work", area=areas["N"], held_on=today,
                             sessions=12, participants=30)
    services.activity_record(actor=staff, kind="training", area=areas["S"], held_on=today,
                             participants=25, completions=22)
    services.activity_record(actor=staff, kind="consultation_event", area=areas["S"],
                             held_on=today, participants=40, consultations=6, connected=2)
    services.activity_record(actor=staff, kind="community_work", area=areas["N"],
                             held_on=today - dt.timedelta(days=800))  # another 年度
    provider = Provider.objects.create(municipality=city.municipality, name="NPO")
    place = Place.objects.create(municipality=city.municipality, provider=provider, name="拠点",
                                 kind="ibasho", status="published")
    services.hub_log_save(actor=staff, place=place, on=today, visits_children=3, visits_elderly=4)
    services.watch_report_enter(actor=staff, area=areas["N"], received_on=today, summary="x")
    fy = fiscal_year(today)

    def m(key, **f):
        return metrics.compute(key, municipality=city.municipality, fiscal_year=fy, **f)

    assert (m("community.issues.received"), m("community.issues.discussing")) == (1, 1)
    assert m("community.issues.received", area="S") == 0
    assert m("community.activities.community_work") == 1
    assert m("community.activities.community_work.sessions") == 12
    assert m("community.activities.training.participants", area="S") == 25
    assert m("community.training.completions") == 22
    assert (m("community.events.consultations"), m("community.events.connected")) == (6, 2)
    assert m("community.hub.visits") == 7 and m("community.watch.reports") == 1
    assert metrics.compute("community.hub.visits", municipality=city.other, fiscal_year=fy) == 0
