"""保存期間と廃棄 screens: the report, holds and periods for 事務局/管理者 only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kasane.audit.models import AccessLog
from kasane.cases.models import Contact, Involvement, Referral
from kasane.retention.models import LegalHold, RetentionPolicy
from kasane.retention.tests.factories import closed_case


def _login(client, user, password) -> None:
    assert client.login(username=user.username, password=password)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["secretariat", "admin"])
def test_it_shows_the_report_to_secretariat_and_admin(city, client, who) -> None:
    s = closed_case(city)
    _login(client, getattr(city, who), city.password)
    page = client.get(reverse("retention:index"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "廃棄の確認（ドライラン）" in text and "保存の継続はありません。" in text
    assert s.person.family_name not in text and "8050" not in text  # ids only, no content
    assert AccessLog.objects.filter(action="retention.report", user_id=getattr(city, who).pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["recorder", "coordinator", "auditor", "outsider"])
def test_it_refuses_everyone_else(city, client, who) -> None:
    _login(client, getattr(city, who), city.password)
    assert client.get(reverse("retention:index")).status_code == 403
    assert client.post(reverse("retention:hold_new"), {}).status_code == 403


@pytest.mark.django_db
def test_it_sets_a_hold_on_a_case_of_the_tenant(city, client) -> None:
    s = closed_case(city)
    _login(client, city.secretariat, city.password)
    response = client.post(reverse("retention:hold_new"),
                           {"target": "case", "number": s.case.pk, "reason": "訴訟のため保存する"})
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.case_id == s.case.pk and hold.created_by == city.secretariat
    assert "訴訟のため保存する" in client.get(reverse("retention:index")).content.decode()


@pytest.mark.django_db
def test_it_shows_japanese_errors_for_a_bad_hold(city, client) -> None:
    _login(client, city.secretariat, city.password)
    response = client.post(reverse("retention:hold_new"),
                           {"target": "person", "number": "99999999", "reason": "短い"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "この番号の本人は見つかりません。" in text
    assert "理由を5文字以上で入力してください。" in text
    assert not LegalHold.objects.exists()


@pytest.mark.django_db
def test_a_hold_on_another_tenants_case_is_refused(city, client) -> None:
    s = closed_case(city)
    s.case.municipality = city.other
    s.case.save(update_fields=["municipality"])
    for rows in (Contact, Involvement, Referral):  # the rows follow their case's tenant
        rows.objects.filter(case=s.case).update(municipality=city.other)
    _login(client, city.secretariat, city.password)
    response = client.post(reverse("retention:hold_new"),
                           {"target": "case", "number": s.case.pk, "reason": "訴訟のため保存する"})
    assert response.status_code == 400 and "この番号のケースは見つかりません。" in response.content.decode()


@pytest.mark.django_db
def test_it_releases_a_hold_only_with_reason_and_confirmation(city, client) -> None:
    s = closed_case(city)
    hold = LegalHold.objects.create(municipality=city.municipality, case=s.case, reason="訴訟のため",
                                    created_by=city.secretariat)
    _login(client, city.admin, city.password)
    url = reverse("retention:hold_release", args=[hold.pk])
    client.post(url, {"release_reason": "判決が確定した"})  # no confirmation
    hold.refresh_from_db()
    assert hold.released_at is None
    client.post(url, {"release_reason": "判決が確定した", "confirm": "1"})
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.released_by == city.admin


@pytest.mark.django_db
def test_only_the_admin_changes_periods(city, client) -> None:
    _login(client, city.secretariat, city.password)
    assert client.get(reverse("retention:period_edit")).status_code == 403
    client.logout()
    _login(client, city.admin, city.password)
    response = client.post(reverse("retention:period_edit"), {"record_type": "case", "years": "10"})
    assert response.status_code == 302
    assert RetentionPolicy.objects.get(municipality=city.municipality, record_type="case").years == 10
    bad = client.post(reverse("retention:period_edit"), {"record_type": "case", "years": "0"})
    assert bad.status_code == 400
