"""見守り: a 気づき entered by staff reaches the area's CSW (notification without personal
data), who may read it, the CSV import (all or nothing)."""

import pytest
from django.http import Http404
from django.utils import timezone

from kasane.accounts.models import Membership
from kasane.audit.models import AccessLog
from kasane.notify.models import Notification
from kasane.people.tests.factories import actor

from .. import policy, services
from ..models import WatchReport
from .factories import make_areas

pytestmark = pytest.mark.django_db


def _setup(city):
    areas = make_areas(city)
    services.area_contact_add(actor=actor(city.coordinator), area=areas["N"],
                              membership=Membership.objects.get(user=city.outsider))
    minsei = services.watcher_register(actor=actor(city.partner), area=areas["N"], kind="minsei",
                                       name="北町 民生委員")
    return areas, minsei


def test_a_report_reaches_the_areas_csw_with_a_title_and_a_link_only(city):
    areas, minsei = _setup(city)
    report = services.watch_report_enter(
        actor=actor(city.partner), area=areas["N"], received_on=timezone.localdate(),
        summary="山田さん宅の新聞が3日分たまっている", watcher=minsei, place_hint="北町2丁目")
    assert report.routed_to.user == city.outsider
    note = Notification.objects.get(user=city.outsider)
    assert note.title == "見守りの気づきが届きました" and note.url == f"/community/watch/reports/{report.pk}/"
    assert "山田" not in note.title


def test_an_area_without_a_contact_goes_to_a_coordinator(city):
    areas, _ = _setup(city)
    report = services.watch_report_enter(actor=actor(city.partner), area=areas["S"],
                                         received_on=timezone.localdate(), summary="気になる")
    assert report.routed_to.user == city.coordinator


def test_only_the_entering_org_the_routed_csw_and_coordinators_read_it(city):
    areas, _ = _setup(city)
    report = services.watch_report_enter(actor=actor(city.partner), area=areas["N"],
                                         received_on=timezone.localdate(), summary="気になる")
    for who in ("partner", "outsider", "coordinator"):
        assert policy.require_report(actor(getattr(city, who)), report.pk) == report
    with pytest.raises(Http404):
        policy.require_report(actor(city.recorder), report.pk)
    assert AccessLog.objects.filter(action="community.report.view", basis="denied",
                                    user=city.recorder).exists()


def test_bad_input_is_refused_at_the_field(city, client):
    areas, _ = _setup(city)
    client.force_login(city.partner)
    r = client.post("/community/watch/report/", {"area": areas["N"].pk, "received_on": "2999-1-1",
                                                 "channel": "phone", "summary": ""})
    assert r.status_code == 400
    html = r.content.decode()
    assert "未来の日付は入力できません" in html and "入力してください" in html
    assert not WatchReport.objects.exists()


def test_the_csw_opens_the_report_and_marks_it_handled(city, client):
    areas, minsei = _setup(city)
    client.force_login(city.partner)
    r = client.post("/community/watch/report/", {
        "area": areas["N"].pk, "watcher": minsei.pk, "received_on": "R8.4.1"
        if timezone.localdate().year > 2026 or timezone.localdate().month >= 4 else "2026-01-05",
        "channel": "phone", "summary": "郵便受けがいっぱい", "place_hint": "北町"})
    assert r.status_code == 302
    report = WatchReport.objects.get()
    client.force_login(city.outsider)
    page = client.get(f"/community/watch/reports/{report.pk}/").content.decode()
    assert "郵便受けがいっぱい" in page
    client.post(f"/community/watch/reports/{report.pk}/handled/")
    report.refresh_from_db()
    assert report.status == "handled"
    client.force_login(city.recorder)
    assert client.get(f"/community/watch/reports/{report.pk}/").status_code == 404


CSV_OK = "受けた日,圏域,内容,場所の目安,報告者\n2026-01-05,N,雨戸が閉まったまま,北町,北町 民生委員\n2026-01-06,南部,声をかけても返事がない,,\n"


def test_the_import_routes_every_row_or_none(city):
    _setup(city)
    result = services.watch_reports_import(actor=actor(city.partner), data=CSV_OK.encode("cp932"))
    assert not result.errors and len(result.created) == 2
    assert result.created[0].watcher.name == "北町 民生委員"
    bad = CSV_OK + "2999-01-01,東部,,,\n"
    result = services.watch_reports_import(actor=actor(city.partner), data=bad.encode())
    assert result.errors and "4行目 圏域: 選んでください。" in result.errors
    assert any("4行目 受けた日: 未来の日付" in e for e in result.errors)
    assert WatchReport.objects.count() == 2


def test_the_csws_home_lists_the_unhandled_reports_routed_to_them(city, client):
    areas, _ = _setup(city)
    report = services.watch_report_enter(actor=actor(city.partner), area=areas["N"],
                                         received_on=timezone.localdate(), summary="気になる")
    client.force_login(city.outsider)
    home = client.get("/").content.decode()
    assert "見守りの気づき（未対応）" in home and f"/community/watch/reports/{report.pk}/" in home
    assert "気になる" not in home  # the content opens on the report page only
    client.force_login(city.recorder)
    assert "見守りの気づき（未対応）" not in client.get("/").content.decode()


def test_area_contacts_are_the_tenants_and_only_for_viewers(city):
    from pathlib import Path

    from kasane.areas.models import Area
    from kasane.community.models import AreaContact

    from .. import selectors

    areas, _ = _setup(city)
    foreign = Area.objects.create(municipality=city.other, kind="daily_life_area", code="N",
                                  name="北部")
    AreaContact.objects.create(municipality=city.other, area=foreign,
                               membership=Membership.objects.get(user=city.other_admin))
    listed = selectors.area_contacts(actor(city.coordinator),
                                     areas=[*areas.values(), foreign])
    assert [(c.area.code, c.membership.user) for c in listed] == [("N", city.outsider)]
    assert list(selectors.area_contacts(actor(city.auditor), areas=list(areas.values()))) == []
    source = (Path(__file__).parents[1] / "views" / "watch.py").read_text(encoding="utf-8")
    assert ".objects." not in source
