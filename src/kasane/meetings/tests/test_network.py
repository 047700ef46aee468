"""Network meetings (issue 18): no case on the agenda — ever —, members, the record of a
meeting, who sees it, and the figures."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kasane.areas.models import Area
from kasane.audit.models import AccessLog, Basis
from kasane.core import metrics
from kasane.core.wareki import fiscal_year
from kasane.people.tests.factories import actor

from .. import services
from ..models import AgendaItem, MeetingType
from .factories import make_body, make_case, make_meeting

pytestmark = pytest.mark.django_db


def _area(city, code="N"):
    return Area.objects.get_or_create(municipality=city.municipality, kind="daily_life_area",
                                      code=code, defaults={"name": f"{code}圏域"})[0]


def _committee(city, code="N"):
    return make_body(city, MeetingType.AREA_COMMITTEE, name=f"{code} 福祉のまちづくり委員会",
                     legal_basis="", review_days=0, area_id=_area(city, code).pk)


def test_an_area_committee_names_its_area_once(city):
    with pytest.raises(ValidationError) as exc:
        make_body(city, MeetingType.AREA_COMMITTEE, name="委員会", review_days=0)
    assert "圏域を選んでください" in " ".join(exc.value.messages)
    body = _committee(city)
    assert body.area.code == "N" and body.is_network
    with pytest.raises(ValidationError) as exc:
        _committee(city)
    assert "すでに設置されています" in " ".join(exc.value.messages)
    assert _committee(city, "S").area.code == "S"


def test_it_refuses_a_case_on_a_network_meeting_in_the_service_and_logs_it(city):
    meeting = make_meeting(city, _committee(city), attendees=())
    case = make_case(city).case
    with pytest.raises(ValidationError) as exc:
        services.agenda_add(actor=actor(city.coordinator), meeting=meeting, case_id=case.pk,
                            question="地域で見守れるか")
    assert "個別のケースを議題にできません" in " ".join(exc.value.messages)
    assert not AgendaItem.objects.exists()
    assert AccessLog.objects.filter(action="meeting.agenda.add", basis=Basis.DENIED).exists()


def test_it_refuses_a_case_item_in_validation_and_in_the_database(city):
    meeting = make_meeting(city, _committee(city), attendees=())
    case = make_case(city).case
    item = AgendaItem(meeting=meeting, case=case, title="t", presenting_org=city.orgs["city"],
                      question="q", added_by=city.coordinator)
    with pytest.raises(ValidationError):
        item.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()  # the trigger of migration 0004, whatever code writes
    assert not AgendaItem.objects.exists()


def test_a_support_meeting_still_takes_a_case(city):
    meeting = make_meeting(city, make_body(city), attendees=())
    case = make_case(city).case
    item = services.agenda_add(actor=actor(city.coordinator), meeting=meeting, case_id=case.pk,
                               question="役割分担")
    assert item.pk and not meeting.is_network


def test_the_organizer_records_theme_minutes_decisions_and_attendance(city):
    body = _committee(city)
    coord = actor(city.coordinator)
    a = services.body_member_add(actor=coord, body=body, name="北部自治会連合会 会長",
                                 affiliation="自治会")
    b = services.body_member_add(actor=coord, body=body, name="民生委員 地区会長")
    meeting = make_meeting(city, body, days=-1, attendees=())
    with pytest.raises(ValidationError) as exc:
        services.network_record(actor=coord, meeting=meeting, attendance_count=1,
                                present_member_ids=[a.pk, b.pk])
    assert "出席者数" in " ".join(exc.value.messages)
    services.network_record(actor=coord, meeting=meeting, theme="買い物の移動手段",
                            minutes="移動販売の試行を検討", decisions="次回までに事業者へ打診",
                            attendance_count=12, present_member_ids=[a.pk])
    meeting.refresh_from_db()
    assert (meeting.theme, meeting.attendance_count) == ("買い物の移動手段", 12)
    assert list(meeting.present_members.all()) == [a]


def test_it_refuses_a_record_by_someone_who_does_not_manage_the_body(city):
    meeting = make_meeting(city, _committee(city), attendees=())
    with pytest.raises(PermissionDenied):
        services.network_record(actor=actor(city.partner), meeting=meeting, theme="x")
    with pytest.raises(ValidationError):  # a 支援会議 has no network record
        services.network_record(actor=actor(city.coordinator),
                                meeting=make_meeting(city, make_body(city), attendees=()))


def test_every_case_role_member_sees_a_network_meeting_and_another_city_does_not(city, client):
    meeting = make_meeting(city, _committee(city), attendees=())
    services.network_record(actor=actor(city.coordinator), meeting=meeting, theme="居場所づくり")
    client.force_login(city.outsider)  # 社協 CSW: neither organizer nor attendee
    r = client.get(f"/meetings/{meeting.pk}/")
    assert r.status_code == 200 and "居場所づくり" in r.content.decode()
    assert "会議の記録を書く" not in r.content.decode()
    client.force_login(city.other_admin)
    assert client.get(f"/meetings/{meeting.pk}/").status_code in (403, 404)


def test_the_record_form_saves_and_shows_a_japanese_error(city, client):
    body = _committee(city)
    meeting = make_meeting(city, body, days=-1, attendees=())
    client.force_login(city.coordinator)
    r = client.post(f"/meetings/{meeting.pk}/record/", {"theme": "防災", "attendance_count": "-1"})
    assert r.status_code == 302
    assert "0以上" in client.get(r.url).content.decode()
    r = client.post(f"/meetings/{meeting.pk}/record/", {"theme": "防災", "minutes": "避難訓練",
                                                        "attendance_count": "9"})
    page = client.get(r.url).content.decode()
    assert "会議の記録を保存しました" in page and "避難訓練" in page
    r = client.post(f"/meetings/bodies/{body.pk}/members/", {"name": "地区社協 会長"})
    assert "地区社協 会長" in client.get(r.url).content.decode()


def test_network_meetings_held_are_counted_per_type_and_in_total(city):
    make_meeting(city, _committee(city), days=-2, attendees=())
    make_meeting(city, make_body(city, MeetingType.INTRA_OFFICE, name="庁内連携会議",
                                 legal_basis="", review_days=0), days=-2, attendees=())
    make_meeting(city, _committee(city, "S"), days=5, attendees=())  # not held yet
    make_meeting(city, make_body(city), days=-2, attendees=())  # a 支援会議 is not a network one
    fy = fiscal_year(timezone.localdate() - dt.timedelta(days=2))
    got = {k: metrics.compute(f"meetings.{k}", municipality=city.municipality, fiscal_year=fy)
           for k in ("area_committee.held", "intra_office.held", "promotion_council.held",
                     "network.held")}
    assert got == {"area_committee.held": 1, "intra_office.held": 1,
                   "promotion_council.held": 0, "network.held": 2}
