"""API for the records added to the contract: a case from a sheet record, monitoring with
goal evaluation, and the end of an organization's involvement."""

import pytest
from django.utils import timezone

from kasane.cases import services
from kasane.cases.models import Involvement
from kasane.sheets.models import SheetRecord

from .factories import make_plan, refer, setup_case
from .test_open_from_sheet import _intake

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_it_opens_a_case_from_a_sheet_record(city, client):
    record = _intake(city)
    client.force_login(city.partner)  # another org: the record is invisible
    assert _post(client, f"/api/v1/sheet-records/{record.pk}/case", {"summary": "x"}).status_code == 404
    client.force_login(city.recorder)
    r = _post(client, f"/api/v1/sheet-records/{record.pk}/case", {"summary": "", "triage": "2"})
    assert r.status_code == 400
    r = _post(client, f"/api/v1/sheet-records/{record.pk}/case", {"summary": "介護と家計", "triage": "2"})
    assert r.status_code == 201, r.content
    assert r.json()["person_ids"] == [record.person_id]
    assert SheetRecord.objects.get(pk=record.pk).case_id == r.json()["id"]
    r = _post(client, f"/api/v1/sheet-records/{record.pk}/case", {"summary": "二度目"})
    assert r.status_code == 400 and "すでにケース" in r.json()["detail"]


def test_it_records_monitoring_and_ends_an_involvement(city, client):
    s = setup_case(city)

    plan = services.plan_approve(actor=s.coord, plan=make_plan(s, city))
    client.force_login(city.coordinator)
    url = f"/api/v1/plans/{plan.pk}/monitoring"
    today = timezone.localdate().isoformat()
    r = _post(client, url, {"on": today, "note": "順調", "evaluations": []})
    assert r.status_code == 400
    r = _post(client, url, {"on": today, "note": "順調", "evaluations": ["continuing"]})
    assert r.status_code == 201, r.content
    assert r.json()["evaluations"] == [{"goal": "生活リズムを整える", "result": "continuing"}]
    ref = services.referral_accept(actor=s.recorder, referral=refer(s, city.orgs["shougai"]))
    inv = Involvement.objects.get(case=s.case, organization=city.orgs["shougai"])
    client.force_login(city.outsider)
    assert _post(client, f"/api/v1/involvements/{inv.pk}/end", {"reason": "x"}).status_code == 404
    client.force_login(city.recorder)
    r = _post(client, f"/api/v1/involvements/{inv.pk}/end", {"reason": "サービス調整が完了"})
    assert r.status_code == 200 and r.json()["end_reason"] == "サービス調整が完了"
    assert client.get(f"/api/v1/cases/{s.case.pk}").status_code == 404
    assert ref.status == "accepted"
