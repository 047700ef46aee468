import datetime as dt

import pytest
from django.utils import timezone

from kasane.audit.models import AccessLog
from kasane.cases.models import PlanStatus
from kasane.cases.tests.factories import make_plan
from kasane.core.wareki import format_wareki, format_wareki_year
from kasane.people.tests.factories import actor

from .. import services
from ..models import Meeting, MeetingBody, MeetingType, PrintRecord
from .factories import make_body, make_case, make_meeting

pytestmark = pytest.mark.django_db


def test_index_lists_bodies_and_upcoming_meetings(city, client):
    meeting = make_meeting(city, make_body(city))
    client.force_login(city.partner)
    r = client.get("/meetings/")
    assert r.status_code == 200
    html = r.content.decode()
    assert f"/meetings/{meeting.pk}/" in html and "支援会議" in html
    assert "誓約が必要な会議" in html
    client.force_login(city.admin)
    assert client.get("/meetings/").status_code == 403


def test_a_coordinator_sets_up_a_designated_body_and_schedules_a_meeting(city, client):
    client.force_login(city.coordinator)
    r = client.post("/meetings/bodies/new/", {"name": "", "type": "support_meeting", "review_days": 30})
    assert r.status_code == 400 and "会議体の名称を入力してください" in r.content.decode()
    r = client.post("/meetings/bodies/new/", {
        "name": "要保護児童対策地域協議会 個別ケース検討会議", "type": "support_meeting",
        "designated_from": "要保護児童対策地域協議会", "review_days": 14,
        "standing_user_ids": [city.partner.pk]})
    body = MeetingBody.objects.get()
    assert r.status_code == 302 and body.is_designated and body.review_days == 14
    r = client.post(f"/meetings/bodies/{body.pk}/new/", {"starts_at": "", "place": ""})
    assert r.status_code == 400
    day = timezone.localdate() + dt.timedelta(days=3)
    form = client.get(f"/meetings/bodies/{body.pk}/new/").content.decode()
    assert 'type="datetime-local"' not in form and "例: 令和8年12月9日 14:00" in form
    r = client.post(f"/meetings/bodies/{body.pk}/new/", {  # typed in Japanese order
        "starts_at": f"{format_wareki(day)} 14:00", "place": "子ども家庭支援センター"})
    meeting = Meeting.objects.get()
    assert r.status_code == 302 and meeting.attendees.filter(user=city.partner).exists()
    assert timezone.localtime(meeting.starts_at).replace(tzinfo=None) == \
        dt.datetime.combine(day, dt.time(14, 0))
    month = timezone.localtime(meeting.starts_at).strftime("%Y-%m")
    r = client.get(f"/meetings/bodies/{body.pk}/?month={month}")
    html = r.content.decode()
    assert f"/meetings/{meeting.pk}/" in html
    assert f"<strong>{format_wareki_year(day)}{day.month}月</strong>" in html  # 令和8年12月
    client.force_login(city.partner)
    assert client.get("/meetings/bodies/new/").status_code == 200
    r = client.post("/meetings/bodies/new/", {"name": "x", "type": "support_meeting", "review_days": 30})
    assert "推進員" in r.content.decode() and MeetingBody.objects.count() == 1


def test_an_attendee_pledges_then_sees_the_case(city, client):
    meeting = make_meeting(city, make_body(city))
    s = make_case(city)
    item = services.agenda_add(actor=actor(city.coordinator), meeting=meeting, case_id=s.case.pk,
                               question="本人は拒否的。関わり方を相談したい", title="中町の事例")
    client.force_login(city.partner)
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "中町の事例" in html and "関わり方を相談" not in html and s.person.given_name not in html
    r = client.get(f"/meetings/items/{item.pk}/")
    assert r.status_code == 403 and "誓約" in r.content.decode()
    assert client.get(f"/meetings/{meeting.pk}/pack.pdf").status_code == 403
    r = client.post(f"/meetings/{meeting.pk}/pledge/", {})
    assert not meeting.attendees.get(user=city.partner).is_pledged
    client.post(f"/meetings/{meeting.pk}/pledge/", {"agree": "1"})
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "関わり方を相談" in html and s.person.given_name in html
    r = client.get(f"/meetings/items/{item.pk}/")
    assert r.status_code == 200 and s.case.summary in r.content.decode()
    case_page = client.get(f"/cases/{s.case.pk}/").content.decode()
    assert 'data-testid="read-only"' in case_page and "/contacts/new/" not in case_page
    client.force_login(city.outsider)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 403


def test_the_agenda_form_shows_the_missing_consent_at_the_field(city, client):
    meeting = make_meeting(city, make_body(city, MeetingType.MULTILAYER))
    s = make_case(city)
    client.force_login(city.coordinator)
    r = client.post(f"/meetings/{meeting.pk}/agenda/", {"case_id": s.case.pk, "question": "プラン"})
    html = r.content.decode()
    assert r.status_code == 400 and "本人同意がありません" in html and "field-invalid" in html
    assert not meeting.items.exists()
    r = client.post(f"/meetings/{meeting.pk}/agenda/", {"case_id": 999999, "question": "x"})
    assert r.status_code == 400 and "閲覧の根拠がありません" in r.content.decode()


def test_a_decision_approves_the_plan_and_the_case_page_links_back(city, client):
    meeting = make_meeting(city, make_body(city, MeetingType.MULTILAYER), days=-1)
    s = make_case(city, consent_orgs=("houkatsu",))
    plan = make_plan(s, city)
    coord = actor(city.coordinator)
    item = services.agenda_add(actor=coord, meeting=meeting, case_id=s.case.pk, question="プラン案")
    services.pledge_sign(actor=coord, meeting=meeting)
    client.force_login(city.coordinator)
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "決定事項を記録" in html
    r = client.post(f"/meetings/items/{item.pk}/decision/",
                    {f"d{item.pk}-kind": "plan_approved", f"d{item.pk}-plan_id": plan.pk})
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    html = client.get(f"/cases/{s.case.pk}/").content.decode()
    assert f'href="/meetings/{meeting.pk}/#item-{item.pk}"' in html and "重層的支援会議" in html
    r = client.post(f"/meetings/items/{item.pk}/minutes/", {f"m{item.pk}-minutes": "承認"})
    r = client.post(f"/meetings/{meeting.pk}/minutes/approve/", follow=True)  # one click: refused
    meeting.refresh_from_db()
    assert not meeting.minutes_approved and "チェックを入れてください" in r.content.decode()
    client.post(f"/meetings/{meeting.pk}/minutes/approve/", {"confirm": "1"})
    meeting.refresh_from_db()
    assert meeting.minutes_approved
    client.post(f"/meetings/items/{item.pk}/minutes/", {f"m{item.pk}-minutes": "変更"})
    item.refresh_from_db()
    assert item.minutes == "承認"


def test_pack_and_minutes_pdf_are_watermarked_and_recorded(city, client):
    meeting = make_meeting(city, make_body(city), days=-1)
    s = make_case(city)
    services.agenda_add(actor=actor(city.coordinator), meeting=meeting, case_id=s.case.pk,
                        question="関わり方")
    services.pledge_sign(actor=actor(city.partner), meeting=meeting)
    client.force_login(city.partner)
    r = client.get(f"/meetings/{meeting.pk}/pack.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    r = client.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert r.status_code == 200
    assert list(PrintRecord.objects.values_list("kind", "user_id")) == [
        ("minutes", city.partner.pk), ("pack", city.partner.pk)]
    assert AccessLog.objects.filter(action="meeting.print.pack", person_id=s.person.pk,
                                    basis="support_meeting").exists()


def test_pack_html_names_the_reader_on_every_page(city):
    from django.template.loader import render_to_string

    from ..views.pdf import pack_context

    meeting = make_meeting(city, make_body(city))
    s = make_case(city)
    services.agenda_add(actor=actor(city.coordinator), meeting=meeting, case_id=s.case.pk,
                        question="関わり方")
    services.pledge_sign(actor=actor(city.partner), meeting=meeting)
    html = render_to_string("meetings/pack.pdf.html",
                            pack_context(actor(city.partner), meeting, action="meeting.print"))
    assert 'class="watermark">取扱注意　partner<' in html
    assert '@top-right { content: "partner（地域包括北部）用"' in html
    assert s.person.family_name in html


def test_a_support_meeting_assigns_the_lead_and_the_timeline_says_so(city, client):
    from kasane.cases.models import CaseEvent

    meeting = make_meeting(city, make_body(city), days=-1)
    s = make_case(city)
    coord = actor(city.coordinator)
    item = services.agenda_add(actor=coord, meeting=meeting, case_id=s.case.pk, question="主担当")
    services.pledge_sign(actor=coord, meeting=meeting)
    client.force_login(city.coordinator)
    r = client.post(f"/meetings/items/{item.pk}/decision/", {
        f"d{item.pk}-kind": "roles_assigned", f"d{item.pk}-lead_org": city.orgs["city"].pk,
        f"d{item.pk}-lead_user": city.coordinator.pk, f"d{item.pk}-text": "市が主担当を継続"})
    assert r.status_code == 302
    s.case.refresh_from_db()
    assert s.case.lead_user == city.coordinator
    ev = CaseEvent.objects.get(case=s.case, kind="meeting", text__contains="役割分担")
    assert ev.link == f"/meetings/{meeting.pk}/#item-{item.pk}" and "市が主担当を継続" in ev.text
    r = client.post(f"/meetings/items/{item.pk}/decision/", {f"d{item.pk}-kind": "closure_approved"},
                    follow=True)
    assert "終結を承認するときは、確認にチェックを入れてください。" in r.content.decode()
    r = client.post(f"/meetings/items/{item.pk}/decision/", {f"d{item.pk}-kind": "closure_approved",
                                                            f"d{item.pk}-confirm_close": "on"},
                    follow=True)
    assert "重層的支援会議で行います" in r.content.decode()


def test_it_removes_an_agenda_item_only_when_confirmed(city, client):
    from ..models import AgendaItem

    meeting = make_meeting(city, make_body(city))
    s = make_case(city)
    item = services.agenda_add(actor=actor(city.coordinator), meeting=meeting, case_id=s.case.pk,
                               question="相談")
    services.pledge_sign(actor=actor(city.coordinator), meeting=meeting)
    client.force_login(city.coordinator)
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "この議題を取り下げることを確認しました" in html
    r = client.post(f"/meetings/items/{item.pk}/remove/", follow=True)
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    assert "確認にチェックを入れてください" in r.content.decode()
    client.post(f"/meetings/items/{item.pk}/remove/", {"confirm": "1"})
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
