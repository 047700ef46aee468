"""Emergency access, its review queue, restriction and disclosure screens."""

import pytest

from kasane.access.models import EmergencyReview
from kasane.access.services import emergency_access_request
from kasane.people.tests.factories import actor, make_person

pytestmark = pytest.mark.django_db

REASON = "訪問時に応答がなく、安否確認のため連絡先を確認"


def test_it_grants_emergency_access_with_a_reason(city, client) -> None:
    person = make_person(city.recorder)
    client.force_login(city.outsider)
    url = f"/people/{person.pk}/emergency/"
    assert client.post(url, {"reason": "急ぎ", "hours": 24}).status_code == 400
    response = client.post(url, {"reason": REASON, "hours": 24})
    assert response.status_code == 302
    assert client.get(f"/people/{person.pk}/").status_code == 200
    assert EmergencyReview.objects.filter(reviewed_at__isnull=True).count() == 1


def test_it_refuses_emergency_access_to_non_case_roles(city, client) -> None:
    person = make_person(city.recorder)
    client.force_login(city.admin)
    assert client.post(f"/people/{person.pk}/emergency/", {"reason": REASON, "hours": 24}).status_code == 403


def test_it_lets_coordinators_review_emergency_access(city, client) -> None:
    person = make_person(city.recorder)
    review = emergency_access_request(actor=actor(city.outsider), person_id=person.pk, reason=REASON)
    client.force_login(city.partner)
    assert client.get("/people/emergency/").status_code == 403
    client.force_login(city.coordinator)
    page = client.get("/people/emergency/")
    assert page.status_code == 200 and REASON in page.text and person.full_name not in page.text
    home = client.get("/")
    assert "緊急アクセスの事後確認" in home.text
    url = f"/people/emergency/{review.pk}/review/"
    refused = client.post(url, {"outcome": "inappropriate"})
    assert refused.status_code == 400  # 不適切 ends the grant: it needs a note, named here
    assert "確認メモ（不適切の場合は必須）: " in refused.text
    assert "確認結果: 選んでください。" in client.post(url, {}).text
    assert client.post(url, {"outcome": "appropriate"}).status_code == 302
    review.refresh_from_db()
    assert review.outcome == "appropriate" and review.reviewed_by == city.coordinator


def test_it_sets_a_restriction_from_the_page(city, client) -> None:
    person = make_person(city.recorder)
    client.force_login(city.partner)
    assert client.get(f"/people/{person.pk}/restriction/").status_code == 404
    client.force_login(city.recorder)
    response = client.post(f"/people/{person.pk}/restriction/",
                           {"restriction": "dv", "restriction_users": [str(city.coordinator.pk)]})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.restriction == "dv"
    assert "閲覧制限" in client.get(f"/people/{person.pk}/").text


def test_it_shows_disclosures_to_auditors_as_page_and_csv(city, client) -> None:
    person = make_person(city.recorder)
    client.force_login(city.partner)
    client.get(f"/people/{person.pk}/")  # a denied attempt
    client.force_login(city.auditor)
    lookup = client.get("/people/disclosures/", {"person_id": person.pk})
    assert lookup.status_code == 302
    page = client.get(f"/people/{person.pk}/disclosures/")
    assert page.status_code == 200 and "拒否" in page.text and "partner" in page.text
    assert person.full_name not in page.text  # the auditor reads the log, not the record
    csv = client.get(f"/people/{person.pk}/disclosures/?format=csv")
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeff日時") and "denied" in text and "own_record" in text


def test_it_names_the_reads_of_every_app_in_the_disclosure_report(city, client) -> None:
    from kasane.audit.models import Basis
    from kasane.audit.services import access_log

    person = make_person(city.recorder)
    for action in ("case.view", "sheet_record_list", "meeting.print.pack"):
        access_log(user=city.partner, action=action, basis=Basis.CONSENT, person_id=person.pk)
    client.force_login(city.auditor)
    page = client.get(f"/people/{person.pk}/disclosures/").text
    for label in ("ケースの閲覧", "帳票の一覧表示", "会議資料の印刷"):
        assert label in page, label
    assert "case.view" not in page and "sheet_record_list" not in page


def test_it_refuses_disclosures_to_others(city, client) -> None:
    person = make_person(city.recorder)
    client.force_login(city.recorder)
    assert client.get(f"/people/{person.pk}/disclosures/").status_code == 403
    client.force_login(city.coordinator)  # not the recording org
    assert client.get(f"/people/{person.pk}/disclosures/").status_code == 404
