"""地域課題: from the sheet to the committee's next meeting, status and actions, who may act."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kasane.people.tests.factories import actor
from kasane.sheets import services as sheet_services
from kasane.sheets.models import DerivationStatus, SheetDerivation

from .. import services
from ..models import AreaIssue, IssueStatus
from .factories import make_areas, make_committee

pytestmark = pytest.mark.django_db

ANSWERS = {"area": "北部", "raised_by": "csw", "themes": ["shopping", "mobility"],
           "title": "買い物に行けない高齢世帯が増えている",
           "description": "スーパー閉店後、坂の上の団地で買い物に困る声が多い。", "status": "received"}


def _sheet(city, who="recorder", **answers):
    return sheet_services.record_create(actor=actor(getattr(city, who)), code="area_issue",
                                        answers={**ANSWERS, **answers}, submit=True)


def test_a_submitted_sheet_becomes_an_issue_of_its_areas_committee(city):
    areas = make_areas(city)
    body, meeting = make_committee(city, areas["N"])
    record = _sheet(city)
    issue = AreaIssue.objects.get(sheet_record=record)
    assert (issue.area, issue.committee, issue.status) == (areas["N"], body, IssueStatus.RECEIVED)
    assert issue.themes == ["shopping", "mobility"]
    row = SheetDerivation.objects.get(record=record, kind="area_issue")
    assert row.status == DerivationStatus.DONE and row.object_id == issue.pk
    assert f"/community/issues/{issue.pk}/" == row.url


def test_an_edit_of_the_sheet_updates_the_issue_and_never_makes_a_second(city):
    make_areas(city)
    record = _sheet(city)
    sheet_services.record_edit_submitted(
        actor=actor(city.recorder), record=record,
        answers={**record.answers, "status": "discussing", "title": "買い物弱者"},
        reason="委員会で検討開始", lock_version=record.lock_version)
    issue = AreaIssue.objects.get()
    assert (issue.status, issue.title) == ("discussing", "買い物弱者")


def test_an_unknown_area_fails_the_step_with_a_message_and_keeps_the_sheet(city):
    make_areas(city)
    record = _sheet(city, area="東部")
    row = SheetDerivation.objects.get(record=record, kind="area_issue")
    assert row.status == DerivationStatus.FAILED and "日常生活圏域" in row.message
    assert not AreaIssue.objects.exists()


def test_a_liaison_sheet_makes_an_issue_too(city):
    make_areas(city)
    _sheet(city, who="liaison")
    assert AreaIssue.objects.get().organization == city.orgs["library"]


def test_the_issue_shows_on_the_committees_next_meeting_without_names(city, client):
    areas = make_areas(city)
    _, meeting = make_committee(city, areas["N"])
    _, other = make_committee(city, areas["S"])
    issue = services.area_issue_create(actor=actor(city.partner), area=areas["N"],
                                       title="空き家を居場所に", themes=["housing"])
    client.force_login(city.outsider)  # 社協 CSW, the committee's 事務局
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'data-testid="meeting-issues"' in page and "空き家を居場所に" in page
    assert "空き家を居場所に" not in client.get(f"/meetings/{other.pk}/").content.decode()
    issue_page = client.get(f"/community/issues/{issue.pk}/").content.decode()
    assert f"/meetings/{meeting.pk}/" in issue_page  # its committee's next meeting


def test_status_moves_forward_back_needs_confirmation_and_an_action_starts_it(city):
    areas = make_areas(city)
    make_committee(city, areas["C"])
    issue = services.area_issue_create(actor=actor(city.partner), area=areas["C"], title="防災")
    csw = actor(city.outsider)  # the committee's 事務局 may act on it
    services.area_issue_status(actor=csw, issue=issue, status=IssueStatus.DISCUSSING)
    services.issue_action_add(actor=csw, issue=issue, on=timezone.localdate(),
                              content="避難訓練を自治会と企画", owner="北部地区社協", start=True)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ACTING and issue.actions.count() == 1
    with pytest.raises(ValidationError):
        services.area_issue_status(actor=csw, issue=issue, status=IssueStatus.DISCUSSING)
    services.area_issue_status(actor=csw, issue=issue, status=IssueStatus.DISCUSSING,
                               confirm_back=True)
    with pytest.raises(ValidationError) as exc:
        services.issue_action_add(actor=csw, issue=issue, content="x",
                                  on=timezone.localdate() + dt.timedelta(days=1))
    assert "未来の日付" in " ".join(exc.value.messages)


def test_someone_else_may_read_but_not_move_an_issue(city, client):
    areas = make_areas(city)
    issue = services.area_issue_create(actor=actor(city.partner), area=areas["S"], title="居場所")
    with pytest.raises(PermissionDenied):
        services.area_issue_status(actor=actor(city.recorder), issue=issue,
                                   status=IssueStatus.DISCUSSING)
    client.force_login(city.recorder)
    page = client.get(f"/community/issues/{issue.pk}/")
    assert page.status_code == 200 and "状態を変更" not in page.content.decode()
    client.force_login(city.admin)
    assert client.get(f"/community/issues/{issue.pk}/").status_code == 403


def test_the_screens_create_and_move_an_issue(city, client):
    areas = make_areas(city)
    client.force_login(city.partner)
    r = client.post("/community/issues/new/", {"area": "", "title": ""})
    assert r.status_code == 400 and "入力してください" in r.content.decode()
    r = client.post("/community/issues/new/", {"area": areas["N"].pk, "title": "通学路の見守り",
                                               "themes": ["watch"]})
    issue = AreaIssue.objects.get()
    assert r.status_code == 302 and r.url == f"/community/issues/{issue.pk}/"
    r = client.post(f"/community/issues/{issue.pk}/actions/", {
        "on": "", "content": ""})
    assert "入力してください" in client.get(r.url).content.decode()
    client.post(f"/community/issues/{issue.pk}/actions/", {
        "on": timezone.localdate().isoformat(), "content": "見守り隊を募集", "owner": "PTA",
        "start": "on"})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ACTING
    page = client.get("/community/").content.decode()
    assert "北部" in page


def test_the_api_lists_issues_of_an_area(city, client):
    areas = make_areas(city)
    a = services.area_issue_create(actor=actor(city.partner), area=areas["N"], title="買い物")
    services.area_issue_create(actor=actor(city.partner), area=areas["S"], title="防災")
    client.force_login(city.recorder)
    got = client.get("/api/v1/area-issues?area=N").json()
    assert got == {"items": [{"id": a.pk, "title": "買い物", "area": "N", "status": "received"}]}
    assert len(client.get("/api/v1/area-issues").json()["items"]) == 2
    client.force_login(city.other_admin)
    assert client.get("/api/v1/area-issues").status_code == 403


def test_an_action_links_the_committee_meeting_and_the_resource_it_created(city, client):
    from kasane.meetings.models import Meeting
    from kasane.resources.tests.factories import place

    areas = make_areas(city)
    body, upcoming = make_committee(city, areas["N"])
    held = Meeting.objects.create(municipality=city.municipality, body=body,
                                  starts_at=timezone.now() - dt.timedelta(days=3),
                                  window_ends_at=timezone.now(), created_by=city.coordinator)
    salon = place(city, "空き家サロン")
    issue = services.area_issue_create(actor=actor(city.partner), area=areas["N"], title="居場所")
    csw = actor(city.outsider)
    done = services.issue_action_add(actor=csw, issue=issue, on=timezone.localdate(),
                                     content="委員会で協議", meeting=held, resource=salon)
    assert (done.meeting, done.resource) == (held, salon)
    with pytest.raises(ValidationError) as exc:
        services.issue_action_add(actor=csw, issue=issue, on=timezone.localdate(),
                                  content="次回", meeting=upcoming)
    assert exc.value.message_dict["meeting"] == ["まだ開かれていない会議は選べません。"]
    client.force_login(city.outsider)
    page = client.get(f"/community/issues/{issue.pk}/").content.decode()
    assert "協議: " in page and "生まれた社会資源: 空き家サロン" in page
    meeting_select = page.split('name="meeting"')[1].split("</select>")[0]
    assert f'<option value="{held.pk}">' in meeting_select  # held meetings only
    assert f'<option value="{upcoming.pk}">' not in meeting_select
    response = client.post(f"/community/issues/{issue.pk}/actions/",
                           {"on": timezone.localdate().isoformat(), "content": "再協議",
                            "meeting": str(held.pk), "resource": ""})
    assert response.status_code == 302
    assert issue.actions.filter(content="再協議", meeting=held, resource=None).exists()
